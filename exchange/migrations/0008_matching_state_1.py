
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('exchange', '0007_hit_unique_leads_with_record'),
    ]

    # State only: the matching models move to the matching app; their tables stay as they are.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='hit',
                    name='follow_up_query',
                ),
                migrations.RemoveField(
                    model_name='hit',
                    name='for_member',
                ),
                migrations.RemoveField(
                    model_name='hit',
                    name='holder_member',
                ),
            ],
        ),
    ]
