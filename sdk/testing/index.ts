/** Test helpers that belong to the model: a scripted stream and a capture of emitted panes. */
export * from './test_stream';
export * from './capture';
