// Iceberg spec Appendix B test vectors for murmur3_x86_32 and the per-type hash inputs.
import { describe, expect, it } from 'vitest';
import { hashDecimal, hashLong, hashString, minimalTwosComplement, murmur3_32 } from '../../catalog/iceberg/murmur3.js';

describe('murmur3_x86_32 (Iceberg Appendix B vectors)', () => {
  it('hashes int and long 34 identically to 2017239379', () => {
    expect(hashLong(34)).toBe(2017239379);
    expect(hashLong(34n)).toBe(2017239379);
  });
  it('hashes decimal 14.20 (unscaled 1420) to -500754589', () => {
    expect(hashDecimal(1420n)).toBe(-500754589);
  });
  it('hashes date 2017-11-16 (day 17486) to -653330422', () => {
    expect(hashLong(17486)).toBe(-653330422);
  });
  it('hashes timestamp 2017-11-16T22:31:08 (µs) to -2047944441', () => {
    expect(hashLong(1510871468000000)).toBe(-2047944441);
    expect(hashLong(1510871468000000n)).toBe(-2047944441);
  });
  it('hashes timestamp 2017-11-16T22:31:08.000001 to -1207196810', () => {
    expect(hashLong(1510871468000001)).toBe(-1207196810);
  });
  it('hashes string "iceberg" to 1210000089', () => {
    expect(hashString('iceberg')).toBe(1210000089);
  });
  it('hashes uuid bytes f79c3e09-677c-4bbd-a479-3f349cb785e7 to 1488055340', () => {
    const hex = 'f79c3e09677c4bbda4793f349cb785e7';
    const bytes = new Uint8Array(hex.match(/../g)!.map((h) => parseInt(h, 16)));
    expect(murmur3_32(bytes)).toBe(1488055340);
  });
  it('hashes bytes 00 01 02 03 to -188683207', () => {
    expect(murmur3_32(new Uint8Array([0, 1, 2, 3]))).toBe(-188683207);
  });
  it('number and bigint paths agree for negative and large longs', () => {
    for (const v of [-1, -34, -(2 ** 40) - 7, 2 ** 52 + 3, Number.MIN_SAFE_INTEGER]) expect(hashLong(v)).toBe(hashLong(BigInt(v)));
  });
  it('encodes decimal unscaled values in minimal two’s complement', () => {
    expect([...minimalTwosComplement(0n)]).toEqual([0]);
    expect([...minimalTwosComplement(127n)]).toEqual([0x7f]);
    expect([...minimalTwosComplement(128n)]).toEqual([0x00, 0x80]);
    expect([...minimalTwosComplement(-1n)]).toEqual([0xff]);
    expect([...minimalTwosComplement(-128n)]).toEqual([0x80]);
    expect([...minimalTwosComplement(-129n)]).toEqual([0xff, 0x7f]);
    expect([...minimalTwosComplement(1420n)]).toEqual([0x05, 0x8c]);
  });
});
