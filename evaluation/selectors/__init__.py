"""Reads of the evaluation app: the coordinators' reports and the dashboard's survey
response rates, every figure already suppressed.

Every function takes a ``ReportGroup``: the cohorts the report covers (already narrowed to
the user's scope and the report's filters) and the audience (school staff, professionals, or
both). Each runs a fixed number of queries, however many responses there are; the person
behind a response is used only to count response rates and to pair one person's answers.
Only submitted responses count.

Definitions (the report page says the same in plain words):

- **Response rate** at a time point: submitted responses ÷ invitations sent (``sent_at``
  set), for the group, and by phase, region, local authority, MHST area and cohort (of the
  cohort the person was invited with). A cohort's responses for one audience at one time
  point count as 0 or 5 in every figure when they are fewer than 5 (``suppression``, rule 4).
- **Paired change** from time point A (baseline unless chosen) to B: a pair is one person
  (the same participant on the invitation, or the same pair key once that link is removed:
  ``evaluation.retention``) with a submitted response at
  both. Answers are matched by question ``code``, so a person who answered version 1 at A and
  version 2 at B still pairs. A scored answer is a scale's (1–5) number or, for choices in an
  order (how often a school was in contact with CYPMHS), the choice's ``score``; choices
  with no score are not paired. Per scored question: the pairs who answered it at both.
  Per outcome: a person's score at A and at B is the mean of their answers to that outcome's
  scored questions answered at both. Reported: pairs, mean at A, mean at B, mean change and
  its 95% confidence interval (``evaluation.stats``).
- **Distribution**: per scale, yes/no and single-choice question, how many respondents gave
  each answer at each time point.
- **Free text**: the written answers, only for users allowed to read them, only where the
  group has at least ``conf.min_cell()`` respondents at that time point and the question at
  least that many written answers, listed in alphabetical order, with nothing beside them.

Suppression (``evaluation.suppression``) is applied here, so a page or an export cannot
forget it.
"""

from evaluation.selectors.groups import (  # noqa: F401 - the app's public reads
    ReportGroup,
    reportable_cohorts,
    submitted_responses,
)
from evaluation.selectors.outcomes import (  # noqa: F401
    answer_distributions,
    free_text_answers,
    paired_changes,
)
from evaluation.selectors.rates import response_rates, response_rates_summary  # noqa: F401
from evaluation.selectors.rows import (  # noqa: F401
    AnonymisedExport,
    anonymised_responses,
    anonymised_responses_count,
)
