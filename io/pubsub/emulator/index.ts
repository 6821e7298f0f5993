export { type PubSubEmulator, type PubSubEmulatorOptions, startPubSubEmulator } from './emulator';
export { Broker } from './broker';
