
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('exchange', '0008_matching_state_1'),
        ('members', '0009_audit_actor_username_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables were made by exchange's migrations and keep their names (Meta.db_table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='MemberMatchingSetting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('national_reports_match', models.BooleanField(default=True, verbose_name='national reports take part in matching')),
                        ('changed_at', models.DateTimeField(blank=True, null=True, verbose_name='changed at')),
                        ('changed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='changed by')),
                        ('member', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='matching_setting', to='members.memberadministration', verbose_name='member')),
                    ],
                    options={
                        'verbose_name': 'member matching setting',
                        'verbose_name_plural': 'member matching settings',
                        'db_table': 'exchange_membermatchingsetting',
                    },
                ),
                migrations.CreateModel(
                    name='Hit',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('container', 'Container number'), ('bill-of-lading', 'Bill of lading'), ('air-waybill', 'Air waybill'), ('vessel-imo', 'Vessel (IMO number)'), ('vehicle', 'Vehicle registration'), ('company', 'Company (shipper or consignee)')], max_length=16, verbose_name='kind')),
                        ('value', models.CharField(max_length=200, verbose_name='normalised value')),
                        ('display', models.CharField(max_length=200, verbose_name='value as entered')),
                        ('record_type', models.CharField(choices=[('query', 'Urgent query'), ('seizure', 'Seizure report'), ('watch', 'Watch entry')], max_length=8, verbose_name='own record type')),
                        ('record_id', models.PositiveBigIntegerField(verbose_name='own record id')),
                        ('record_reference', models.CharField(max_length=64, verbose_name='own record reference')),
                        ('holder_record_type', models.CharField(choices=[('query', 'Urgent query'), ('seizure', 'Seizure report'), ('watch', 'Watch entry')], max_length=8, verbose_name="holder's record type")),
                        ('holder_record_id', models.PositiveBigIntegerField(verbose_name="holder's record id")),
                        ('holder_record_reference', models.CharField(max_length=64, verbose_name="holder's record reference")),
                        ('holder_visible', models.BooleanField(default=False, verbose_name="holder's record visible to the member")),
                        ('month', models.DateField(help_text='First day of the month.', verbose_name='month')),
                        ('state', models.CharField(choices=[('new', 'New'), ('seen', 'Seen'), ('asked', 'Asked'), ('confirmed', 'Confirmed'), ('dismissed', 'Dismissed')], default='new', max_length=10, verbose_name='state')),
                        ('dismiss_reason', models.TextField(blank=True, verbose_name='reason for dismissal')),
                        ('alerted', models.BooleanField(default=False, verbose_name='alerted')),
                        ('common', models.BooleanField(default=False, verbose_name='common value')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='found at')),
                        ('state_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='state changed at')),
                        ('follow_up_query', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='follow_up_of_hits', to='exchange.query', verbose_name='follow-up query')),
                        ('for_member', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='matching_hits', to='members.memberadministration', verbose_name='for member')),
                        ('holder_member', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.memberadministration', verbose_name='holding member')),
                    ],
                    options={
                        'verbose_name': 'hit',
                        'verbose_name_plural': 'hits',
                        'db_table': 'exchange_hit',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['for_member', '-created_at'], name='hit_member_created_idx'), models.Index(fields=['for_member', 'state'], name='hit_member_state_idx'), models.Index(fields=['holder_record_type', 'holder_record_id'], name='hit_holder_record_idx'), models.Index(fields=['kind', 'value'], name='hit_kind_value_idx'), models.Index(condition=models.Q(('follow_up_query__isnull', False)), fields=['follow_up_query'], name='hit_follow_up_idx')],
                        'constraints': [models.UniqueConstraint(fields=('record_type', 'record_id', 'for_member', 'holder_record_type', 'holder_record_id', 'kind', 'value'), name='hit_unique_per_pair'), models.CheckConstraint(condition=models.Q(('state__in', ['new', 'seen', 'asked', 'confirmed', 'dismissed'])), name='hit_state_valid'), models.CheckConstraint(condition=models.Q(models.Q(('state', 'dismissed'), _negated=True), models.Q(('dismiss_reason', ''), _negated=True), _connector='OR'), name='hit_dismissed_has_reason')],
                    },
                ),
                migrations.CreateModel(
                    name='IdentifierEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('container', 'Container number'), ('bill-of-lading', 'Bill of lading'), ('air-waybill', 'Air waybill'), ('vessel-imo', 'Vessel (IMO number)'), ('vehicle', 'Vehicle registration'), ('company', 'Company (shipper or consignee)')], max_length=16, verbose_name='kind')),
                        ('value', models.CharField(max_length=200, verbose_name='normalised value')),
                        ('display', models.CharField(max_length=200, verbose_name='value as entered')),
                        ('record_type', models.CharField(choices=[('query', 'Urgent query'), ('seizure', 'Seizure report'), ('watch', 'Watch entry')], max_length=8, verbose_name='record type')),
                        ('record_id', models.PositiveBigIntegerField(verbose_name='record id')),
                        ('record_reference', models.CharField(max_length=64, verbose_name='record reference')),
                        ('visibility', models.CharField(choices=[('network', 'Shared with the network'), ('parties', 'Its parties only')], max_length=8, verbose_name='visibility')),
                        ('party_ids', models.CharField(blank=True, help_text='Ids of the members who may see the record, as ,1,3,.', max_length=400, verbose_name='parties')),
                        ('matchable_outward', models.BooleanField(default=True, verbose_name='matched outward')),
                        ('handling', models.CharField(blank=True, max_length=2, verbose_name='handling code')),
                        ('seen_on', models.DateField(verbose_name='seen on')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='indexed at')),
                        ('owner_member', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='members.memberadministration', verbose_name='owning member')),
                    ],
                    options={
                        'verbose_name': 'identifier index entry',
                        'verbose_name_plural': 'identifier index entries',
                        'db_table': 'exchange_identifierentry',
                        'indexes': [models.Index(fields=['kind', 'value'], name='identifier_kind_value_idx'), models.Index(fields=['record_type', 'record_id'], name='identifier_record_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='MatchingExclusion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('container', 'Container number'), ('bill-of-lading', 'Bill of lading'), ('air-waybill', 'Air waybill'), ('vessel-imo', 'Vessel (IMO number)'), ('vehicle', 'Vehicle registration'), ('company', 'Company (shipper or consignee)')], max_length=16, verbose_name='kind')),
                        ('value', models.CharField(max_length=200, verbose_name='normalised value')),
                        ('display', models.CharField(max_length=200, verbose_name='value as entered')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='note')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                    ],
                    options={
                        'verbose_name': 'matching exclusion',
                        'verbose_name_plural': 'matching exclusions',
                        'db_table': 'exchange_matchingexclusion',
                        'ordering': ['kind', 'value'],
                        'constraints': [models.UniqueConstraint(fields=('kind', 'value'), name='matching_exclusion_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='WatchEntry',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('container', 'Container number'), ('bill-of-lading', 'Bill of lading'), ('air-waybill', 'Air waybill'), ('vessel-imo', 'Vessel (IMO number)'), ('vehicle', 'Vehicle registration'), ('company', 'Company (shipper or consignee)')], max_length=16, verbose_name='kind')),
                        ('value', models.CharField(max_length=200, verbose_name='normalised value')),
                        ('display', models.CharField(max_length=200, verbose_name='value as entered')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('expires_on', models.DateField(blank=True, null=True, verbose_name='expires on')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='watch_entries', to='members.memberadministration', verbose_name='member')),
                    ],
                    options={
                        'verbose_name': 'watch entry',
                        'verbose_name_plural': 'watch entries',
                        'db_table': 'exchange_watchentry',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['kind', 'value'], name='watch_kind_value_idx')],
                        'constraints': [models.UniqueConstraint(fields=('member', 'kind', 'value'), name='watch_entry_unique_per_member')],
                    },
                ),
            ],
        ),
    ]
