"""What each resource looks like in JSON. Ids are the rows' primary keys (stable: never
reused, never renumbered); `url` is the resource in this API, `web_url` its page on the desk."""

from __future__ import annotations

import datetime

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from factcheck.alerts import selectors as alert_selectors
from factcheck.alerts.models import RepeatAlert
from factcheck.api.models import ApiToken
from factcheck.articles.models import Article, Outlet
from factcheck.claims.models import Claim, Correction, Evidence, Person, Quote, Rating, Workflow
from factcheck.core.reversing import pk_url
from factcheck.linking.models import ClaimLink, QuoteLink
from factcheck.linking.selectors import review_url_for
from factcheck.publishing.claimreview import claim_review_jsonld


def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def api_path(view_name: str, pk: int) -> str:
    """reverse(f"api:{view_name}", args=[pk]), the pattern reversed once (core.reversing.pk_url):
    a list of 200 alerts names 1,400 such addresses, and reverse() was a third of its CPU time
    (docs/benchmarks.md, "API lists")."""
    return pk_url(f"api:{view_name}", pk)


class ApiUrlField(serializers.Field):
    """This row's address in the API (`api:<view_name>`)."""

    def __init__(self, view_name: str, **kwargs):
        self.view_name = view_name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, obj) -> str:
        return absolute(self.context, api_path(self.view_name, obj.pk))


class WebUrlField(ApiUrlField):
    """This row's page on the desk (its get_absolute_url)."""

    def __init__(self, **kwargs):
        super().__init__("", **kwargs)

    def to_representation(self, obj) -> str:
        return absolute(self.context, obj.get_absolute_url())


extend_schema_field({"type": "string", "format": "uri"})(ApiUrlField)


class ErrorSerializer(serializers.Serializer):
    """Every refusal: a sentence, and the parameters or fields it is about."""

    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class OutletSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outlet
        fields = ["id", "name", "slug"]


class ExtractionSerializer(serializers.Serializer):
    """The article's extraction, as the reader's status line shows it."""

    state = serializers.CharField(help_text="pending, running, done or failed")
    label = serializers.CharField()
    error = serializers.CharField()
    finished = serializers.BooleanField()
    finished_at = serializers.DateTimeField(allow_null=True)
    extractor_version = serializers.CharField()
    claims = serializers.IntegerField(help_text="Claims found, rejected ones left out.")
    quotes = serializers.IntegerField(help_text="Quotes found, rejected ones left out.")


# An imported fact-check (kind "factcheck") also carries, from its ClaimReview, where and
# when the claim reviewed was made (itemReviewed.appearance, .datePublished) and the
# review's dateModified; empty / null on every other article.
IMPORTED_REVIEW_FIELDS = ["claim_appearance_url", "claim_date", "review_modified"]


def _appearance_field() -> serializers.CharField:
    # A plain string ("" when unknown), as source_url: a blank URLField's schema is a oneOf
    # that "" matches twice.
    return serializers.CharField(
        read_only=True, help_text="Imported fact-checks: where the claim reviewed appeared (empty if unknown)."
    )


class ArticleRefSerializer(serializers.ModelSerializer):
    url = ApiUrlField("article-detail")
    outlet = serializers.CharField(source="outlet.name", default=None, allow_null=True)

    class Meta:
        model = Article
        fields = ["id", "url", "headline", "outlet", "published", "source_url", *IMPORTED_REVIEW_FIELDS]

    source_url = serializers.CharField(source="url", help_text="Where the article was published.")
    claim_appearance_url = _appearance_field()


class ArticleSerializer(serializers.ModelSerializer):
    url = ApiUrlField("article-detail")
    web_url = WebUrlField()
    extraction_url = ApiUrlField("article-extraction")
    source_url = serializers.CharField(source="url", help_text="Where the article was published.")
    claim_appearance_url = _appearance_field()
    outlet = OutletSerializer(allow_null=True)
    extraction_state = serializers.CharField()

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "web_url",
            "kind",
            "headline",
            "outlet",
            "source_url",
            "byline",
            "published",
            "extraction_state",
            "extraction_url",
            "created_at",
            "updated_at",
            *IMPORTED_REVIEW_FIELDS,
        ]


class ArticleDetailSerializer(ArticleSerializer):
    extraction = serializers.SerializerMethodField()
    claims_url = serializers.SerializerMethodField()
    quotes_url = serializers.SerializerMethodField()

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "summary", "body", "extraction", "claims_url", "quotes_url"]

    @extend_schema_field(ExtractionSerializer)
    def get_extraction(self, article) -> dict:
        return self.context["status"]

    def get_claims_url(self, article) -> str:
        return absolute(self.context, f"{reverse('api:claim-list')}?article={article.pk}")

    def get_quotes_url(self, article) -> str:
        return absolute(self.context, f"{reverse('api:quote-list')}?article={article.pk}")


class ArticleSubmitSerializer(serializers.Serializer):
    """What a CMS sends: the text, and what it knows about it. Validated by the web form's
    own rules (factcheck/review/forms/articles.py), then stored by the same intake service."""

    body = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="The article's text exactly as published (UTF-8)."
    )
    headline = serializers.CharField(required=False, allow_blank=True, max_length=500)
    outlet = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="The outlet's name.")
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000, help_text="http(s) address.")
    published = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A NUL or a lone surrogate in the text is the web form's to refuse, with its position.
        self.fields["body"].validators = []


class ArticleSubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created = serializers.BooleanField(help_text="False: the same text was already on the desk; nothing stored.")
    message = serializers.CharField()
    url = serializers.URLField(help_text="The article resource.")
    extraction_url = serializers.URLField(help_text="Poll this for the extraction's state.")
    web_url = serializers.URLField()
    extraction = ExtractionSerializer()


class PersonRefSerializer(serializers.ModelSerializer):
    url = ApiUrlField("speaker-detail")

    class Meta:
        model = Person
        fields = ["id", "url", "name", "kind"]


class RatingSerializer(serializers.ModelSerializer):
    scale = serializers.CharField(source="scale.name")

    class Meta:
        model = Rating
        fields = ["id", "label", "slug", "value", "scale"]


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "url", "title", "note", "added_at"]


class CorrectionSerializer(serializers.ModelSerializer):
    previous_verdict = RatingSerializer(allow_null=True)
    new_verdict = RatingSerializer(allow_null=True)

    class Meta:
        model = Correction
        fields = ["id", "previous_verdict", "new_verdict", "reason", "made_at"]


class ClaimSerializer(serializers.ModelSerializer):
    url = ApiUrlField("claim-detail")
    web_url = WebUrlField()
    article = ArticleRefSerializer()
    claimant = PersonRefSerializer(allow_null=True)
    verdict = RatingSerializer(allow_null=True)
    evidence = EvidenceSerializer(many=True)
    corrections = CorrectionSerializer(many=True)
    state = serializers.CharField(help_text="candidate, rejected, draft, in_review, approved or published")
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = [
            "id",
            "url",
            "web_url",
            "article",
            "text",
            "start",
            "end",
            "status",
            "workflow",
            "state",
            "kind",
            "score",
            "checkworthy",
            "claimant",
            "claimant_text",
            "quantities",
            "entities",
            "verdict",
            "verdict_summary",
            "verdict_explanation",
            "published_at",
            "public_url",
            "evidence",
            "corrections",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_public_url(self, claim) -> str | None:
        if claim.workflow != Workflow.PUBLISHED:
            return None
        return absolute(self.context, claim.get_public_url())


class FactcheckSerializer(ClaimSerializer):
    url = ApiUrlField("factcheck-detail")
    claim_review = serializers.SerializerMethodField(help_text="schema.org ClaimReview, as the public page carries it.")

    class Meta(ClaimSerializer.Meta):
        fields = [
            "id",
            "url",
            "public_url",
            "article",
            "text",
            "claimant",
            "claimant_text",
            "verdict",
            "verdict_summary",
            "verdict_explanation",
            "published_at",
            "evidence",
            "corrections",
            "claim_review",
            "updated_at",
        ]

    def get_claim_review(self, claim) -> dict:
        return claim_review_jsonld(claim, self.context.get("request"))


class QuoteSerializer(serializers.ModelSerializer):
    url = ApiUrlField("quote-detail")
    web_url = WebUrlField()
    article = ArticleRefSerializer()
    speaker = PersonRefSerializer(allow_null=True)

    class Meta:
        model = Quote
        fields = [
            "id",
            "url",
            "web_url",
            "article",
            "text",
            "start",
            "end",
            "status",
            "speaker",
            "speaker_text",
            "speaker_confidence",
            "version",
            "created_at",
            "updated_at",
        ]


class SpeakerSerializer(serializers.ModelSerializer):
    url = ApiUrlField("speaker-detail")
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")
    claims_url = serializers.SerializerMethodField()
    quotes_url = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "url", "name", "kind", "description", "aliases", "claims_url", "quotes_url"]

    def get_claims_url(self, person) -> str:
        return absolute(self.context, f"{reverse('api:claim-list')}?speaker={person.name}")

    def get_quotes_url(self, person) -> str:
        return absolute(self.context, f"{reverse('api:quote-list')}?speaker={person.name}")


class _SpanRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField()
    article = serializers.IntegerField(source="article_id")


class ClaimLinkSerializer(serializers.ModelSerializer):
    url = ApiUrlField("claimlink-detail")
    source = _SpanRefSerializer()
    target = _SpanRefSerializer()

    class Meta:
        model = ClaimLink
        fields = ["id", "url", "source", "target", "relation", "state", "origin", "score", "reason"]
        fields += ["decided_at", "created_at", "updated_at"]


class QuoteLinkSerializer(ClaimLinkSerializer):
    url = ApiUrlField("quotelink-detail")

    class Meta(ClaimLinkSerializer.Meta):
        model = QuoteLink


class ApiTokenSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.get_username")
    display = serializers.CharField(help_text="The token's public start; the secret is never shown again.")
    status = serializers.CharField(help_text="active, expired or revoked")

    class Meta:
        model = ApiToken
        fields = ["id", "name", "user", "display", "scopes", "status", "created_at", "expires_at"]
        fields += ["last_used_at", "revoked_at"]


# --- Repeat alerts (factcheck/alerts): what the /alerts/ pages show --------------------------


class _AlertClaimSerializer(serializers.ModelSerializer):
    """The new claim: what was said, who said it, where and when."""

    url = ApiUrlField("claim-detail")
    web_url = WebUrlField()
    article = ArticleRefSerializer()
    claimant = PersonRefSerializer(allow_null=True)
    said_by = serializers.SerializerMethodField(help_text="The claimant's name, or the text naming them; may be empty.")
    appeared_on = serializers.SerializerMethodField(
        help_text="The article's date, else the day the desk received it (as the alert page)."
    )

    class Meta:
        model = Claim
        fields = ["id", "url", "web_url", "text", "claimant", "claimant_text", "said_by", "article", "appeared_on"]

    def get_said_by(self, claim) -> str:
        return alert_selectors.claimant_name(claim) or ""

    def get_appeared_on(self, claim) -> datetime.date:
        return alert_selectors.appeared_on(claim)


class _AlertCheckSerializer(serializers.ModelSerializer):
    """The earlier check: ours (published) or another organisation's (imported ClaimReview)."""

    url = ApiUrlField("claim-detail")
    web_url = WebUrlField()
    article = ArticleRefSerializer()
    checked_by = serializers.SerializerMethodField(help_text="This newsroom, or the organisation that checked it.")
    rating = serializers.SerializerMethodField(help_text="The verdict in words (the review's own rating text first).")
    verdict = RatingSerializer(allow_null=True, help_text="The verdict on our scale, if any.")
    review_url = serializers.SerializerMethodField(
        help_text="Where the verdict can be read: the imported review's page, or our public fact-check page."
    )
    checked_on = serializers.SerializerMethodField()

    class Meta:
        model = Claim
        fields = ["id", "url", "web_url", "text", "article", "checked_by", "rating", "verdict", "review_url"]
        fields += ["checked_on"]

    def get_checked_by(self, claim) -> str:
        return alert_selectors.checked_by(claim)

    def get_rating(self, claim) -> str:
        return alert_selectors.verdict_words(claim)

    def get_review_url(self, claim) -> str | None:
        return review_url_for(claim)

    def get_checked_on(self, claim) -> datetime.date:
        return alert_selectors.checked_on(claim)


class RepeatAlertSerializer(serializers.ModelSerializer):
    """A repeat alert: a new claim (`claim`) that matched a claim already checked (`checked`)."""

    url = ApiUrlField("alert-detail")
    web_url = WebUrlField()
    acknowledge_url = ApiUrlField("alert-acknowledge")
    claim = _AlertClaimSerializer(help_text="The new claim.")
    checked = _AlertCheckSerializer(source="checked_claim", help_text="The earlier check it repeats.")
    probability = serializers.FloatField(help_text="The link's calibrated match probability when raised (0-1).")
    acknowledged_by = serializers.CharField(
        source="acknowledged_by.get_username", default=None, allow_null=True, help_text="Who acknowledged it."
    )

    class Meta:
        model = RepeatAlert
        fields = ["id", "url", "web_url", "state", "probability", "claim", "checked", "created_at"]
        fields += ["acknowledged_by", "acknowledged_at", "note", "acknowledge_url"]


class AlertAcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="What the desk did about it (optional, up to 500 characters).",
    )


class AlertAcknowledgedSerializer(serializers.Serializer):
    acknowledged = serializers.BooleanField(
        help_text="True: acknowledged by this request. False: it already was (nothing changed, no new audit event)."
    )
    message = serializers.CharField()
    alert = RepeatAlertSerializer()
