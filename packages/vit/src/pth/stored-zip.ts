/**
 * A reader of the zip archives `torch.save` writes (PyTorch's serialization format since 1.6): every
 * entry is STORED (uncompressed), so this reads the central directory (zip64 included, for files over
 * 4 GiB) and then reads entries by byte range, without an inflater. Compressed entries are refused.
 */
import fs from 'node:fs/promises';
import { CheckpointError } from '@ppma/core';

/** One entry of the archive. */
export interface ZipEntry {
  readonly name: string;
  /** Offset of the entry's local header in the file. */
  readonly headerOffset: number;
  readonly size: number;
  readonly method: number;
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** An open STORED zip: its entries by name and a positioned reader. */
export class StoredZip {
  private constructor(
    readonly file: string,
    private readonly fh: fs.FileHandle,
    readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  /** True when the file starts with a zip local header. */
  static async isZip(file: string): Promise<boolean> {
    const fh = await fs.open(file, 'r');
    try {
      const b = Buffer.alloc(4);
      const { bytesRead } = await fh.read(b, 0, 4, 0);
      return bytesRead === 4 && b.readUInt32LE(0) === LOCAL;
    } finally {
      await fh.close();
    }
  }

  /** Opens `file` and reads its central directory. */
  static async open(file: string): Promise<StoredZip> {
    const fh = await fs.open(file, 'r');
    try {
      const entries = await readDirectory(file, fh);
      return new StoredZip(file, fh, entries);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** The bytes of entry `name`. */
  async read(name: string): Promise<Buffer> {
    const e = this.entries.get(name);
    if (!e) throw new CheckpointError(this.file, `the archive has no entry "${name}"`);
    if (e.method !== 0)
      throw new CheckpointError(
        this.file,
        `entry "${name}" is compressed (method ${e.method}); torch.save writes STORED entries`,
      );
    const local = await this.bytes(e.headerOffset, 30);
    if (local.readUInt32LE(0) !== LOCAL) throw new CheckpointError(this.file, `entry "${name}": bad local header`);
    const start = e.headerOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    return this.bytes(start, e.size);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }

  private async bytes(position: number, length: number): Promise<Buffer> {
    return readAt(this.file, this.fh, position, length);
  }
}

async function readAt(file: string, fh: fs.FileHandle, position: number, length: number): Promise<Buffer> {
  const b = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(b, done, length - done, position + done);
    if (bytesRead === 0) throw new CheckpointError(file, `truncated: needed ${length} bytes at offset ${position}`);
    done += bytesRead;
  }
  return b;
}

async function readDirectory(file: string, fh: fs.FileHandle): Promise<Map<string, ZipEntry>> {
  const size = (await fh.stat()).size;
  const tailLen = Math.min(size, 22 + 0xffff + 20);
  const tail = await readAt(file, fh, size - tailLen, tailLen);
  let at = -1;
  for (let i = tailLen - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  if (at < 0) throw new CheckpointError(file, 'not a zip archive (no end of central directory record)');
  let count = tail.readUInt16LE(at + 10);
  let dirSize = tail.readUInt32LE(at + 12);
  let dirOffset = tail.readUInt32LE(at + 16);
  if (at >= 20 && tail.readUInt32LE(at - 20) === EOCD64_LOCATOR) {
    const rec = await readAt(file, fh, Number(tail.readBigUInt64LE(at - 20 + 8)), 56);
    if (rec.readUInt32LE(0) !== EOCD64) throw new CheckpointError(file, 'bad zip64 end of central directory record');
    count = Number(rec.readBigUInt64LE(32));
    dirSize = Number(rec.readBigUInt64LE(40));
    dirOffset = Number(rec.readBigUInt64LE(48));
  }
  if (dirOffset + dirSize > size) throw new CheckpointError(file, 'the zip central directory lies outside the file');
  const dir = await readAt(file, fh, dirOffset, dirSize);
  const out = new Map<string, ZipEntry>();
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL)
      throw new CheckpointError(file, `bad zip central directory entry ${i}`);
    const method = dir.readUInt16LE(p + 10);
    let csize = dir.readUInt32LE(p + 20);
    let usize = dir.readUInt32LE(p + 24);
    const nameLen = dir.readUInt16LE(p + 28);
    const extraLen = dir.readUInt16LE(p + 30);
    const commentLen = dir.readUInt16LE(p + 32);
    let offset = dir.readUInt32LE(p + 42);
    const name = dir.toString('utf8', p + 46, p + 46 + nameLen);
    // zip64 extra field (id 1): the 64-bit values of the fields saturated at 0xffffffff, in order.
    let q = p + 46 + nameLen;
    const end = q + extraLen;
    while (q + 4 <= end) {
      const id = dir.readUInt16LE(q);
      const len = dir.readUInt16LE(q + 2);
      if (id === 1) {
        let r = q + 4;
        if (usize === 0xffffffff) {
          usize = Number(dir.readBigUInt64LE(r));
          r += 8;
        }
        if (csize === 0xffffffff) {
          csize = Number(dir.readBigUInt64LE(r));
          r += 8;
        }
        if (offset === 0xffffffff) offset = Number(dir.readBigUInt64LE(r));
      }
      q += 4 + len;
    }
    if (offset + csize > size) throw new CheckpointError(file, `zip entry "${name}" lies outside the file`);
    out.set(name, { name, headerOffset: offset, size: method === 0 ? usize : csize, method });
    p = end + commentLen;
  }
  return out;
}
