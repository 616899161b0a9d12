from django.core.management.base import BaseCommand

from registry.regions import regions_load


class Command(BaseCommand):
    help = "载入启东市的镇（街道、园区）和村（社区）区划（可重复运行）"

    def handle(self, *args, **options):
        result = regions_load()
        self.stdout.write(f"区划：新增 {result.created}，修正 {result.updated}，未变 {result.unchanged}")
