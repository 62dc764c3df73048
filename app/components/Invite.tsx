/**
 * The "invite someone" card: the room link, its QR code, and the creator's tools.
 * @module
 */
import type { ComponentChildren } from "preact";
import { Card } from "./Card.tsx";
import { ShareRoom } from "./ShareRoom.tsx";

/** The invite card. */
export function Invite(
  props: { link: string; membersOnly?: boolean; creatorTools?: ComponentChildren },
) {
  return (
    <Card
      title="Invite someone"
      subtitle={props.membersOnly
        ? `Only wallets on the member list can join.${
          props.link.includes("#members=") ? " The link carries the list." : ""
        }`
        : "Anyone you send this to can join; their keys are checked on-chain."}
      testid="invite-card"
    >
      <div class="mt-4 space-y-5">
        <ShareRoom link={props.link} />
        {props.creatorTools}
      </div>
    </Card>
  );
}
