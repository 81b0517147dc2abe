import { END, START, itsmCurrent, itsmPresent, jsonDetails } from '../sql.js';
import type { KpiDefinition } from '../types.js';

/**
 * Mean satisfaction score (1–5) of survey responses from app owners, IT and the helpdesk.
 * Survey exports land in itsm_records as `survey_response` records (no table of their own):
 * score in `attributes.score` (or `attributes.rating`), respondent group in `category`, response
 * time in `closed_at` (else `opened_at`). Scores outside 1–5 are not counted.
 */
const base = `resp AS (
  SELECT record_id, requester AS respondent, lower(coalesce(category, 'unspecified')) AS respondent_group,
    coalesce(closed_at, opened_at, updated_at) AS responded_at,
    TRY_CAST(coalesce(json_extract_string(attributes, '$.score'), json_extract_string(attributes, '$.rating')) AS DOUBLE) AS score,
    json_extract_string(attributes, '$.comment') AS comment
  FROM (${itsmCurrent('survey_response')})),
scored AS (SELECT * FROM resp WHERE responded_at >= ${START} AND responded_at < ${END} AND score BETWEEN 1 AND 5)`;

export const stakeholder_csat: KpiDefinition = {
  id: 'stakeholder_csat',
  title: 'Stakeholder satisfaction',
  unit: 'score',
  cadence: 'quarterly',
  target: { op: '>=', value: 4.2 },
  owner: 'IAM lead',
  needs: [{ id: 'itsm_records:survey_response', sql: itsmPresent('survey_response') }],
  emptyNeed: 'itsm_records:survey responses in window',
  calculation:
    'Survey responses (itsm_records with record_type survey_response) answered in the window, score 1–5 from attributes.score (or rating). Value = mean score = sum of scores / responses; details by respondent group (category).',
  valueSql: `WITH ${base}
SELECT avg(score) AS value, sum(score) AS numerator, CAST(count(*) AS DOUBLE) AS denominator,
  ${jsonDetails(`{by_group: (SELECT map_from_entries(list({k: respondent_group, v: {responses: n, mean: m}} ORDER BY respondent_group)) FROM (SELECT respondent_group, count(*) AS n, avg(score) AS m FROM scored GROUP BY ALL))}`)} AS details
FROM scored`,
  evidenceSql: `WITH ${base}
SELECT record_id, respondent, respondent_group, responded_at, score, comment FROM scored ORDER BY responded_at, record_id`,
};
