"""The evaluation app's domain errors: what was refused, in words for the person who asked."""

from core.errors import LinkDomainError


class SurveyLinkInvalid(LinkDomainError):
    """A survey link was altered, or is not a survey link at all."""

    default_code = "survey_link_invalid"


class SurveyLinkExpired(LinkDomainError):
    """A genuine survey link that is too old; ``invitation`` may be sent a new one."""

    default_code = "survey_link_expired"

    def __init__(self, message: str, *, invitation):
        super().__init__(message)
        self.invitation = invitation


class SurveyClosed(LinkDomainError):
    """The survey no longer takes answers (or does not yet)."""

    default_code = "survey_closed"


class SurveyAlreadySubmitted(LinkDomainError):
    """The response was submitted before: it is not changed or submitted again."""

    default_code = "survey_submitted"


class AnswersInvalid(LinkDomainError):
    """Submitted answers are missing or out of range; ``errors`` maps question codes to
    messages, in the questionnaire's order."""

    default_code = "answers_invalid"

    def __init__(self, message: str, *, errors: dict[str, str]):
        super().__init__(message)
        self.errors = errors
