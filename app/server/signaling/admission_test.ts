import assert from "node:assert/strict";
import { MemoryAdmission } from "./admission.ts";

const socket = (ip: string, key: string) => ({ ip, key });

Deno.test("MemoryAdmission: the caps in total, per IP and per address", async (t) => {
  await t.step("behavior: sockets under every cap are admitted and counted", () => {
    const caps = new MemoryAdmission({
      maxSockets: 3,
      maxSocketsPerIp: 2,
      maxSocketsPerAddress: 2,
    });
    assert.equal(caps.refusal("10.0.0.1", "0xa"), null);
    caps.count(socket("10.0.0.1", "0xa"));
    assert.deepEqual(caps.stats(), { counted: 1, ips: 1, addresses: 1 });
  });

  await t.step("error: the total cap refuses any socket once reached", () => {
    const caps = new MemoryAdmission({
      maxSockets: 2,
      maxSocketsPerIp: 9,
      maxSocketsPerAddress: 9,
    });
    caps.count(socket("10.0.0.1", "0xa"));
    caps.count(socket("10.0.0.2", "0xb"));
    assert.equal(caps.refusal("10.0.0.3", "0xc"), "Cannot connect: the server is full");
  });

  await t.step("error: the per-IP cap refuses that IP only", () => {
    const caps = new MemoryAdmission({
      maxSockets: 9,
      maxSocketsPerIp: 2,
      maxSocketsPerAddress: 9,
    });
    caps.count(socket("10.0.0.1", "0xa"));
    caps.count(socket("10.0.0.1", "0xb"));
    assert.equal(
      caps.refusal("10.0.0.1", "0xc"),
      "Cannot connect: too many sockets from this IP address",
    );
    assert.equal(caps.refusal("10.0.0.2", "0xc"), null);
  });

  await t.step("error: the per-address cap refuses that address only", () => {
    const caps = new MemoryAdmission({
      maxSockets: 9,
      maxSocketsPerIp: 9,
      maxSocketsPerAddress: 1,
    });
    caps.count(socket("10.0.0.1", "0xa"));
    assert.equal(
      caps.refusal("10.0.0.2", "0xa"),
      "Cannot connect: too many sockets for this address",
    );
    assert.equal(caps.refusal("10.0.0.1", "0xb"), null);
  });

  await t.step(
    "behavior: a released socket frees its place once, counters go back to empty",
    () => {
      const caps = new MemoryAdmission({
        maxSockets: 1,
        maxSocketsPerIp: 1,
        maxSocketsPerAddress: 1,
      });
      const s = socket("10.0.0.1", "0xa");
      caps.count(s);
      caps.count(s); // counting the same socket twice takes one place
      assert.deepEqual(caps.stats(), { counted: 1, ips: 1, addresses: 1 });
      assert.notEqual(caps.refusal("10.0.0.1", "0xa"), null);
      assert.equal(caps.release(s), true);
      assert.equal(caps.release(s), false);
      assert.deepEqual(caps.stats(), { counted: 0, ips: 0, addresses: 0 });
      assert.equal(caps.refusal("10.0.0.1", "0xa"), null);
    },
  );

  await t.step("behavior: a socket never counted is not released", () => {
    const caps = new MemoryAdmission({
      maxSockets: 1,
      maxSocketsPerIp: 1,
      maxSocketsPerAddress: 1,
    });
    caps.count(socket("10.0.0.1", "0xa"));
    assert.equal(caps.release(socket("10.0.0.1", "0xa")), false); // another socket, same values
    assert.deepEqual(caps.stats(), { counted: 1, ips: 1, addresses: 1 });
  });
});
