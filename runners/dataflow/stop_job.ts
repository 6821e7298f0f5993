/**
 * Draining or cancelling a running job. Beam's JobService only knows Cancel, and only for jobs it started in
 * this process, so both go to the Dataflow REST API (projects.locations.jobs.update with a requested state):
 *  - drain: stop reading Pub/Sub, fire every open window (as a watermark to +infinity would), then finish —
 *    nothing in flight is lost; use it before replacing a job that cannot be updated in place;
 *  - cancel: stop now; buffered data and open windows are discarded (Pub/Sub redelivers what was not acked).
 * To change a running job instead, launch again with --update (and --transform-name-mapping for renamed steps).
 */
export type StopMode = 'drain' | 'cancel';

export interface StopRequest {
  readonly method: 'PUT';
  readonly url: string;
  readonly body: { readonly requestedState: 'JOB_STATE_DRAINED' | 'JOB_STATE_CANCELLED' };
}

const JOB_ID = /^[\w-]{1,100}$/;

export function stopRequest(
  project: string,
  region: string,
  jobId: string,
  mode: StopMode,
  apiRoot = 'https://dataflow.googleapis.com',
): StopRequest {
  if (!JOB_ID.test(jobId)) throw new Error(`job id '${jobId}' is not a Dataflow job id`);
  const path = `/v1b3/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(region)}/jobs/${encodeURIComponent(jobId)}`;
  return {
    method: 'PUT',
    url: `${apiRoot}${path}`,
    body: { requestedState: mode === 'drain' ? 'JOB_STATE_DRAINED' : 'JOB_STATE_CANCELLED' },
  };
}

/** Sends the request with an OAuth access token (Application Default Credentials when none is given). */
export async function sendStop(request: StopRequest, accessToken?: string): Promise<void> {
  let token = accessToken;
  if (!token) {
    const { GoogleAuth } = await import('google-auth-library');
    token = (await new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }).getAccessToken()) ?? undefined;
    if (!token) throw new Error('no Application Default Credentials: run `gcloud auth application-default login`');
  }
  const response = await fetch(request.url, {
    method: request.method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(request.body),
  });
  if (!response.ok) {
    const text = (await response.text()).slice(0, 500).replace(/\s+/g, ' ');
    throw new Error(
      `Dataflow refused to ${request.body.requestedState === 'JOB_STATE_DRAINED' ? 'drain' : 'cancel'} the job: HTTP ${response.status} ${text}`,
    );
  }
}
