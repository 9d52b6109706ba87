"""The "Editor" group: municipal editors who upload minutes in the admin.

Editors may upload minutes (the custom permission `archive.upload_minutes`), see everything
in the archive, withdraw and republish meetings (change meeting: only `published` is
editable in the admin) and re-parse documents (change source document: every field is
read-only in the admin). They may add, change or delete nothing else; deleting is for
superusers. Staff status (admin login) is given per user, not by the group.
"""

from django.db import migrations

GROUP = "Editor"
UPLOAD = ("upload_minutes", "Kan uploade referater")
PERMISSIONS = [
    "view_municipality",
    "view_committee",
    "view_meeting",
    "change_meeting",
    "view_agendaitem",
    "view_sourcedocument",
    "change_sourcedocument",
]


def create_editor_group(apps, schema_editor):
    """Idempotent; the tests call it too, after a flush removed what migrations made."""
    from django.contrib.auth.management import create_permissions

    # On a fresh database the model permissions are only created after all migrations.
    archive = apps.get_app_config("archive")
    # create_permissions skips an app config without models_module, as in migration state.
    stub = getattr(archive, "models_module", None) is None
    if stub:
        archive.models_module = True
    try:
        create_permissions(archive, apps=apps, verbosity=0)
    finally:
        if stub:
            archive.models_module = None
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    source_type, _ = ContentType.objects.get_or_create(app_label="archive", model="sourcedocument")
    upload, _ = Permission.objects.get_or_create(
        content_type=source_type, codename=UPLOAD[0], defaults={"name": UPLOAD[1]}
    )
    group, _ = Group.objects.get_or_create(name=GROUP)
    wanted = list(
        Permission.objects.filter(content_type__app_label="archive", codename__in=PERMISSIONS)
    )
    group.permissions.set([upload, *wanted])


def remove_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()
    apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="archive", codename=UPLOAD[0]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archive", "0002_search"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editor_group, remove_editor_group)]
