"""A trigger refuses UPDATE and DELETE on audit events.

Two exceptions, both leaving the hash chain intact:
- an UPDATE that only sets ``actor_id`` / ``actor_member_id`` to NULL (Django's SET_NULL when
  a user or member is deleted; neither column is hashed);
- a DELETE in a transaction that ran ``SET LOCAL iren.audit_prune = 'on'`` (``audit_prune``).
"""

from django.db import migrations

GUARDED = (
    "at",
    "actor_username",
    "action",
    "object_type",
    "object_id",
    "object_reference",
    "members",
    "ip",
    "user_agent",
    "request_id",
    "detail",
    "prev_hash",
    "hash",
    "id",
)

CREATE = f"""
CREATE OR REPLACE FUNCTION members_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF COALESCE(current_setting('iren.audit_prune', true), '') = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only (DELETE refused)';
    END IF;
    IF (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
        AND (NEW.actor_member_id IS NULL OR NEW.actor_member_id = OLD.actor_member_id)
        AND ({", ".join("NEW." + c for c in GUARDED)})
            IS NOT DISTINCT FROM ({", ".join("OLD." + c for c in GUARDED)}) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (UPDATE refused)';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER members_auditevent_append_only
    BEFORE UPDATE OR DELETE ON members_auditevent
    FOR EACH ROW EXECUTE FUNCTION members_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS members_auditevent_append_only ON members_auditevent;
DROP FUNCTION IF EXISTS members_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("members", "0003_audit_event")]

    operations = [migrations.RunPython(forwards, backwards)]
