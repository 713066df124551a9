"""Imports every domain's models so that the metadata is complete (migrations, tests)."""

from app.agendas.models import (
    AgendaItem,
    AgendaPaper,
    AgendaVersion,
    FollowUpAction,
    PaperFile,
)
from app.audit.models import AuditEntry
from app.auth.factor_models import Passkey, RecoveryCode, SecondFactorPolicy, TotpFactor
from app.auth.models import ApiToken, User, UserSession
from app.core.db import Base
from app.feeds.models import FeedEventCache, FeedEventVersion, FeedSubscription
from app.files.models import Blob, BlobChunk, PdfRendition
from app.inbound.models import EmailReply, InboundMessage, QuarantinedMessage
from app.invitations.models import Invitation, ReceivedInvitation
from app.meetings.models import Meeting, MeetingKind, MeetingSeries, Participant, UnavailableDate
from app.notifications.models import NotifiedChange, OutboxMessage, SentLog
from app.people.models import Organisation, Person
from app.scheduling.models import SchedulerLease
from app.sso.models import SsoIdentity, SsoProvider
from app.topics.models import TopicArea

__all__ = [
    "AgendaItem",
    "AgendaPaper",
    "AgendaVersion",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Blob",
    "BlobChunk",
    "EmailReply",
    "FeedEventCache",
    "FeedEventVersion",
    "FeedSubscription",
    "FollowUpAction",
    "InboundMessage",
    "Invitation",
    "Meeting",
    "MeetingKind",
    "MeetingSeries",
    "NotifiedChange",
    "Organisation",
    "OutboxMessage",
    "PaperFile",
    "Participant",
    "Passkey",
    "PdfRendition",
    "Person",
    "QuarantinedMessage",
    "ReceivedInvitation",
    "RecoveryCode",
    "SchedulerLease",
    "SecondFactorPolicy",
    "SentLog",
    "SsoIdentity",
    "SsoProvider",
    "TopicArea",
    "TotpFactor",
    "UnavailableDate",
    "User",
    "UserSession",
]
