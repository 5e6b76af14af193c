/** Reading `torch.save` files without Python or pickled code: see read-pth.ts and unpickler.ts. */
export { openPth } from './read-pth.js';
export type { PthFile } from './read-pth.js';
export { readPthStateDict, locateStateDict, STATE_DICT_KEYS } from './state-dict.js';
export type { PthStateDict, PthStateDictOptions } from './state-dict.js';
export { convertPth } from './convert.js';
export type { ConvertReport } from './convert.js';
export { UnsafePickleError } from './unsafe-pickle-error.js';
export { unpickle } from './unpickler.js';
export type { PersistentLoad } from './unpickler.js';
export { PyDict, PyTuple, PyObject, isTensor } from './pickle-values.js';
export type { PyValue, TensorRef, StorageRef, TorchDtype } from './pickle-values.js';
