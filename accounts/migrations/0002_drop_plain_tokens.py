"""Drop the plain-text API tokens of rest_framework.authtoken (no longer installed).

They cannot be converted: a hash can be made from a key, but keeping the old keys would keep
tokens that never expire. Clients ask for a new token (POST /api/v1/auth/token/).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_api_token")]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", migrations.RunSQL.noop),
    ]
