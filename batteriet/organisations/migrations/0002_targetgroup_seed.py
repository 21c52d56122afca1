from django.db import migrations

CODES = [
    "former_inmates",
    "immigrants",
    "mental_health",
    "housing",
    "labour_market",
    "former_drug_users",
    "single_parents",
    "children_and_youth",
    "other",
]


def add_target_groups(apps, schema_editor):
    TargetGroup = apps.get_model("organisations", "TargetGroup")
    for code in CODES:
        TargetGroup.objects.get_or_create(code=code)


def remove_target_groups(apps, schema_editor):
    apps.get_model("organisations", "TargetGroup").objects.filter(code__in=CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]
    operations = [migrations.RunPython(add_target_groups, remove_target_groups)]
