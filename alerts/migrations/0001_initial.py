
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('exchange', '0010_alerts_state'),
        ('matching', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # State only: the tables were made by exchange's migrations and keep their names (Meta.db_table).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Alert',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(choices=[('filed', 'New query'), ('reply', 'New reply'), ('acknowledged', 'Query acknowledged'), ('outcome', 'Outcome reported'), ('closed', 'Query closed'), ('reminder', 'Reminder: query not acknowledged'), ('escalation', 'Escalation: urgent query not acknowledged'), ('hit', "Match with another member's record"), ('watchlist-hit', 'Match with a watched identifier')], max_length=16, verbose_name='event')),
                        ('channel', models.CharField(choices=[('portal', 'In-portal notification'), ('email', 'Email')], max_length=8, verbose_name='channel')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('claimed_at', models.DateTimeField(blank=True, null=True, verbose_name='claimed at')),
                        ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='sent at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('digest', models.BooleanField(db_default=False, default=False, verbose_name='in the digest')),
                        ('digested_at', models.DateTimeField(blank=True, null=True, verbose_name='digested at')),
                        ('state', models.CharField(choices=[('pending', 'Pending'), ('sent', 'Sent'), ('failed', 'Failed')], default='pending', max_length=8, verbose_name='state')),
                        ('next_attempt_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='next attempt at')),
                        ('failed_at', models.DateTimeField(blank=True, null=True, verbose_name='failed at')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_error', models.TextField(blank=True, verbose_name='last error')),
                        ('hit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='matching.hit', verbose_name='hit')),
                        ('query', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='exchange.query', verbose_name='query')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='exchange_alerts', to=settings.AUTH_USER_MODEL, verbose_name='recipient')),
                        ('reply', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='exchange.reply', verbose_name='reply')),
                    ],
                    options={
                        'verbose_name': 'alert',
                        'verbose_name_plural': 'alerts',
                        'db_table': 'exchange_alert',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['recipient', 'channel', 'read_at', '-created_at'], name='alert_recipient_idx'), models.Index(condition=models.Q(('state', 'pending')), fields=['next_attempt_at', 'id'], name='alert_due_idx'), models.Index(condition=models.Q(('state', 'failed')), fields=['failed_at'], name='alert_failed_idx'), models.Index(fields=['query', 'recipient'], name='alert_query_recipient_idx'), models.Index(condition=models.Q(('digest', True), ('digested_at__isnull', True)), fields=['recipient', 'created_at'], name='alert_digest_due_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(('query__isnull', False), ('hit__isnull', False), _connector='OR'), name='alert_names_query_or_hit')],
                    },
                ),
                migrations.CreateModel(
                    name='AlertPreference',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event', models.CharField(choices=[('query-received', 'Query received'), ('reply', 'Reply'), ('reminder', 'Reminder'), ('hit', 'Hit'), ('watchlist-hit', 'Watchlist hit')], max_length=16, verbose_name='event')),
                        ('mode', models.CharField(choices=[('portal', 'In the portal only'), ('immediate', 'Email at once'), ('digest', 'Daily digest email')], default='immediate', max_length=10, verbose_name='how alerts reach the person')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='alert_preferences', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                    ],
                    options={
                        'verbose_name': 'alert preference',
                        'verbose_name_plural': 'alert preferences',
                        'db_table': 'exchange_alertpreference',
                        'constraints': [models.UniqueConstraint(fields=('user', 'event'), name='alert_preference_unique'), models.CheckConstraint(condition=models.Q(('mode__in', ['portal', 'immediate', 'digest'])), name='alert_preference_mode_valid')],
                    },
                ),
            ],
        ),
    ]
