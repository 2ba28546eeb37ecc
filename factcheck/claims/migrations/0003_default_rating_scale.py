"""Ship a default six-level rating scale plus "Unverifiable" (value None)."""

from django.db import migrations

DEFAULT_SCALE = "Default six-level scale"
RATINGS = [
    # label, slug, colour, ClaimReview ratingValue, description
    ("True", "true", "#198754", 6, "Accurate, nothing significant missing."),
    (
        "Mostly true",
        "mostly-true",
        "#20c997",
        5,
        "Accurate but needs clarification or context.",
    ),
    (
        "Half true",
        "half-true",
        "#ffc107",
        4,
        "Partly accurate; leaves out important details.",
    ),
    (
        "Mostly false",
        "mostly-false",
        "#fd7e14",
        3,
        "Some truth, but ignores facts that change the picture.",
    ),
    ("False", "false", "#dc3545", 2, "Not accurate."),
    ("Pants on fire", "pants-on-fire", "#6f1d1b", 1, "Not accurate and ridiculous."),
    (
        "Unverifiable",
        "unverifiable",
        "#6c757d",
        None,
        "Cannot be proved or disproved with the evidence available.",
    ),
]


def forwards(apps, schema_editor):
    RatingScale = apps.get_model("claims", "RatingScale")
    Rating = apps.get_model("claims", "Rating")
    scale, _ = RatingScale.objects.get_or_create(
        name=DEFAULT_SCALE,
        defaults={"is_default": not RatingScale.objects.filter(is_default=True).exists()},
    )
    for order, (label, slug, colour, value, description) in enumerate(RATINGS, start=1):
        Rating.objects.get_or_create(
            scale=scale,
            slug=slug,
            defaults={
                "label": label,
                "order": order,
                "colour": colour,
                "value": value,
                "description": description,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_span_inside_body_triggers")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
