/**
 * Strict JSON: `JSON.parse` silently keeps the last of two equal keys in an object, so a config or
 * a safetensors header can say one thing to a reader that looks at the first key and another to
 * the program. {@link duplicateJsonKeys} finds every such key (comparing keys after unescaping,
 * so `"a"` and `"\u0061"` are the same key) in one pass over the text, without recursion.
 */

/** A key that occurs more than once in the same JSON object. */
export interface DuplicateJsonKey {
  /** Dotted path of the object holding the key (`''` at the top level; array items as `[i]`). */
  readonly path: string;
  /** The duplicated key (unescaped). */
  readonly key: string;
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: string;
  readonly keys: Set<string>;
  expectKey: boolean;
  lastKey: string;
  index: number;
}

function childPath(top: Frame | undefined): string {
  if (!top) return '';
  if (top.kind === 'array') return `${top.path}[${top.index}]`;
  return top.path ? `${top.path}.${top.lastKey}` : top.lastKey;
}

/**
 * Every duplicated key of a JSON text, in order of appearance. The text should already have been
 * checked with `JSON.parse`; on invalid JSON the result is unspecified (but the scan still ends).
 */
export function duplicateJsonKeys(text: string): DuplicateJsonKey[] {
  const out: DuplicateJsonKey[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      const kind = ch === 0x7b ? 'object' : 'array';
      stack.push({ kind, path: childPath(top), keys: new Set(), expectKey: kind === 'object', lastKey: '', index: 0 });
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
    } else if (ch === 0x2c /* , */) {
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index++;
    } else if (ch === 0x3a /* : */) {
      if (top) top.expectKey = false;
    } else if (ch === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const c = text.charCodeAt(j);
        if (c === 0x5c /* \ */) {
          escaped = true;
          j += 2;
          continue;
        }
        if (c === 0x22) break;
        j++;
      }
      if (top?.kind === 'object' && top.expectKey) {
        const raw = text.slice(i + 1, j);
        let key = raw;
        if (escaped) {
          try {
            key = JSON.parse(`"${raw}"`) as string;
          } catch {
            // Invalid escape: keep the raw text.
          }
        }
        if (top.keys.has(key)) out.push({ path: top.path, key });
        top.keys.add(key);
        top.lastKey = key;
      }
      i = j;
    }
  }
  return out;
}

/** `path.key` of a duplicate, for messages. */
export function formatJsonKey(d: DuplicateJsonKey): string {
  return d.path ? `${d.path}.${d.key}` : d.key;
}
