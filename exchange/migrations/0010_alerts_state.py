
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0009_matching_state_2'),
    ]

    # State only: the outbox and alert preferences move to the alerts app; their tables stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='alertpreference',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='Alert',
                ),
                migrations.DeleteModel(
                    name='AlertPreference',
                ),
            ],
        ),
    ]
