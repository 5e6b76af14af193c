/** The error of a pickle that names a global the restricted unpickler does not allow. */
import { CheckpointError } from '@ppma/core';

/**
 * A `.pth` file asks for a Python global outside the allowlist (e.g. `os.system`, `builtins.eval`):
 * loading it with `torch.load` would run that code. Nothing was executed; `global` names what was refused.
 */
export class UnsafePickleError extends CheckpointError {
  /** The refused global, `module.name` (e.g. `posix.system`). */
  readonly global: string;

  constructor(file: string, global: string, detail = '') {
    super(
      file,
      `refused to unpickle the global "${global}"${detail}: only tensors, storages, dicts, lists, tuples, numbers, ` +
        'strings and None are allowed (the file would run code under torch.load)',
    );
    this.global = global;
  }
}
