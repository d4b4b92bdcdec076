
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0008_matching_state_1'),
        ('matching', '0001_initial'),
    ]

    # State only: the matching models move to the matching app; their tables stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='alert',
                    name='hit',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='alerts', to='matching.hit', verbose_name='hit'),
                ),
                migrations.RemoveField(
                    model_name='identifierentry',
                    name='owner_member',
                ),
                migrations.RemoveField(
                    model_name='matchingexclusion',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='membermatchingsetting',
                    name='changed_by',
                ),
                migrations.RemoveField(
                    model_name='membermatchingsetting',
                    name='member',
                ),
                migrations.RemoveField(
                    model_name='watchentry',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='watchentry',
                    name='member',
                ),
                migrations.DeleteModel(
                    name='Hit',
                ),
                migrations.DeleteModel(
                    name='IdentifierEntry',
                ),
                migrations.DeleteModel(
                    name='MatchingExclusion',
                ),
                migrations.DeleteModel(
                    name='MemberMatchingSetting',
                ),
                migrations.DeleteModel(
                    name='WatchEntry',
                ),
            ],
        ),
    ]
