# Attachments' text for search (issue #17): per-page text of stored files, the bilag's text
# on each item with its own vector and index, and the item's search_vector widened with it
# at weight D. A generated column's expression cannot be altered in place, so search_vector
# is dropped and added again (PostgreSQL rewrites the items table once).

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


def danish(*fields, weight):
    return django.contrib.postgres.search.SearchVector(*fields, config="danish", weight=weight)


SEARCH_VECTOR = (
    danish("title", weight="A")
    + danish("decision", "summary", weight="B")
    + danish(
        "case_text",
        "recommendation",
        "economy",
        "legal_basis",
        "decision_authority",
        django.db.models.functions.comparison.Cast("other_sections", models.TextField()),
        django.db.models.functions.comparison.Cast("attachments", models.TextField()),
        weight="C",
    )
    + danish("attachment_text", weight="D")
)


class Migration(migrations.Migration):

    dependencies = [
        ("archive", "0007_people"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="storedfile",
            name="text_note",
            field=models.TextField(blank=True, db_default="", default="", verbose_name="bemærkning om teksten"),
        ),
        migrations.AddField(
            model_name="storedfile",
            name="text_read",
            field=models.DateTimeField(blank=True, null=True, verbose_name="tekst læst"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="uploaded",
            field=models.BooleanField(db_default=False, default=False, verbose_name="tilføjet i admin"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="uploaded_by",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="tilføjet af"),
        ),
        migrations.CreateModel(
            name="AttachmentPage",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.PositiveIntegerField(verbose_name="side")),
                ("text", models.TextField(blank=True, verbose_name="tekst")),
                ("ocr", models.BooleanField(default=False, verbose_name="tekstgenkendt (OCR)")),
                ("search_vector", models.GeneratedField(db_persist=True, expression=danish("text", weight="D"), output_field=django.contrib.postgres.search.SearchVectorField())),
                ("file", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="pages", to="archive.storedfile", verbose_name="fil")),
            ],
            options={
                "verbose_name": "side",
                "verbose_name_plural": "sider",
                "ordering": ["file", "number"],
                "constraints": [models.UniqueConstraint(fields=("file", "number"), name="attachmentpage_file_number_uniq")],
                "indexes": [django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="attachmentpage_vector_idx")],
            },
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="attachment_text",
            field=models.TextField(blank=True, db_default="", default="", verbose_name="bilagenes tekst"),
        ),
        migrations.RemoveIndex(model_name="agendaitem", name="item_search_vector_idx"),
        migrations.RemoveField(model_name="agendaitem", name="search_vector"),
        migrations.AddField(
            model_name="agendaitem",
            name="search_vector",
            field=models.GeneratedField(db_persist=True, expression=SEARCH_VECTOR, output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name="agendaitem",
            index=django.contrib.postgres.indexes.GinIndex(fields=["search_vector"], name="item_search_vector_idx"),
        ),
        migrations.AddField(
            model_name="agendaitem",
            name="attachment_vector",
            field=models.GeneratedField(db_persist=True, expression=danish("attachment_text", weight="D"), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name="agendaitem",
            index=django.contrib.postgres.indexes.GinIndex(fields=["attachment_vector"], name="item_attachment_vector_idx"),
        ),
    ]
