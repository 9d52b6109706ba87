"""People and their attendance at meetings (archive/people.py links them; for meetings
already in the archive run `manage.py link_people`)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('archive', '0006_attachments_bodies_subitems'),
    ]

    operations = [
        migrations.CreateModel(
            name='Person',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='navn')),
                ('name_key', models.CharField(max_length=200, verbose_name='navn (normaliseret)')),
                ('party', models.CharField(blank=True, max_length=10, verbose_name='parti')),
                ('slug', models.SlugField(max_length=250, verbose_name='kortnavn')),
                ('created', models.DateTimeField(auto_now_add=True, verbose_name='oprettet')),
                ('modified', models.DateTimeField(auto_now=True, verbose_name='ændret')),
                ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='archive.person', verbose_name='slået sammen med')),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='people', to='archive.municipality', verbose_name='kommune')),
            ],
            options={
                'verbose_name': 'person',
                'verbose_name_plural': 'personer',
                'ordering': ['name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Attendance',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('status', models.CharField(choices=[('present', 'deltog'), ('absent', 'fraværende'), ('invited', 'indkaldt')], max_length=10, verbose_name='status')),
                ('position', models.PositiveSmallIntegerField(verbose_name='placering')),
                ('name', models.CharField(max_length=200, verbose_name='navn som trykt')),
                ('party', models.CharField(blank=True, max_length=10, verbose_name='parti')),
                ('note', models.CharField(blank=True, max_length=200, verbose_name='rolle eller note')),
                ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='archive.meeting', verbose_name='møde')),
                ('person', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='archive.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'fremmøde',
                'verbose_name_plural': 'fremmøde',
                'ordering': ['meeting', 'position'],
            },
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['municipality', 'name_key'], name='person_name_key_idx'),
        ),
        migrations.AddConstraint(
            model_name='person',
            constraint=models.UniqueConstraint(fields=('slug',), name='person_slug_uniq'),
        ),
        migrations.AddIndex(
            model_name='attendance',
            index=models.Index(fields=['person', 'status'], name='attendance_person_idx'),
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.UniqueConstraint(fields=('meeting', 'person'), name='attendance_meeting_person_uniq'),
        ),
    ]
