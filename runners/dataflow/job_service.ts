/**
 * Beam's JobService (beam_job_api.proto) over gRPC, from the message types apache-beam ships: the launcher's
 * client, and the definition a local server uses to capture what a launch would send. Only the unary methods a
 * launch needs: Prepare, Run, GetState, Cancel.
 */
import * as grpc from '@grpc/grpc-js';
import 'apache-beam';
import * as jobApi from 'apache-beam/proto/beam_job_api';

interface MessageType<T> {
  toBinary(message: T): Uint8Array;
  fromBinary(bytes: Uint8Array): T;
}

function unary<I, O>(name: string, input: MessageType<I>, output: MessageType<O>): grpc.MethodDefinition<I, O> {
  return {
    path: `/org.apache.beam.model.job_management.v1.JobService/${name}`,
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: I) => Buffer.from(input.toBinary(m)),
    requestDeserialize: (b: Buffer) => input.fromBinary(b),
    responseSerialize: (m: O) => Buffer.from(output.toBinary(m)),
    responseDeserialize: (b: Buffer) => output.fromBinary(b),
  };
}

export const JOB_SERVICE_DEFINITION = {
  prepare: unary('Prepare', jobApi.PrepareJobRequest, jobApi.PrepareJobResponse),
  run: unary('Run', jobApi.RunJobRequest, jobApi.RunJobResponse),
  getState: unary('GetState', jobApi.GetJobStateRequest, jobApi.JobStateEvent),
  cancel: unary('Cancel', jobApi.CancelJobRequest, jobApi.CancelJobResponse),
} satisfies grpc.ServiceDefinition;

export interface JobServiceClient {
  prepare(request: jobApi.PrepareJobRequest): Promise<jobApi.PrepareJobResponse>;
  run(request: jobApi.RunJobRequest): Promise<jobApi.RunJobResponse>;
  getState(request: jobApi.GetJobStateRequest): Promise<jobApi.JobStateEvent>;
  cancel(request: jobApi.CancelJobRequest): Promise<jobApi.CancelJobResponse>;
  close(): void;
}

/** A client of the job service at host:port (plaintext: Beam's job services listen on localhost). */
export function jobServiceClient(endpoint: string, deadlineMs = 120_000): JobServiceClient {
  const Client = grpc.makeGenericClientConstructor(JOB_SERVICE_DEFINITION, 'JobService');
  const client = new Client(endpoint, grpc.credentials.createInsecure()) as unknown as Record<
    string,
    (req: unknown, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: unknown) => void) => void
  > &
    grpc.Client;
  const call =
    <I, O>(method: string) =>
    (request: I): Promise<O> =>
      new Promise((resolveCall, reject) =>
        client[method](request, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolveCall(res as O))),
      );
  return {
    prepare: call('prepare'),
    run: call('run'),
    getState: call('getState'),
    cancel: call('cancel'),
    close: () => client.close(),
  };
}
