/**
 * Side data for enrichment, read from JSON Lines files: campaign metadata and customer profiles. The file reading
 * is io/files' (a bad line stops the run with file and line); what a line must contain is enrich's. This module
 * joins the two, so that io/ needs to know nothing about marketing records.
 */
import { type JsonLinesOptions, JsonLinesSource } from '../io/files/json_lines_source';
import { type Source } from '../sdk';
import { type ProfileLine, decodeCampaignMeta, decodeProfile } from '../transforms/enrich';
import { type CampaignMeta } from '../transforms/records';

/** Campaign metadata (see data-samples/campaigns.jsonl). */
export function campaignsFromFile(path: string, options: JsonLinesOptions = {}): Source<CampaignMeta> {
  return new JsonLinesSource(path, decodeCampaignMeta, { ...options, what: 'campaigns' });
}

/** Customer profiles (see data-samples/profiles.jsonl); key them with keyProfiles before use. */
export function profilesFromFile(path: string, options: JsonLinesOptions = {}): Source<ProfileLine> {
  return new JsonLinesSource(path, decodeProfile, { ...options, what: 'profiles' });
}
