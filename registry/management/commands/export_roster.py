"""python manage.py export_roster OUT.xlsx [--town NAME] [--all-statuses]  (ROSTER.md)

Writes the roster (在册 children, or every status) in the template with the computed columns, in
full: run on the server by its administrator. Audited like every export.
"""

from django.core.management.base import BaseCommand, CommandError

from registry.choices import RosterStatus
from registry.roster.export import roster_export
from registry.roster.normalize import CellError
from registry.roster.places import RegionIndex


class Command(BaseCommand):
    help = "导出花名册（.xlsx），默认只导出在册儿童"

    def add_arguments(self, parser):
        parser.add_argument("out", help="输出文件（.xlsx）")
        parser.add_argument("--town", help="只导出一个镇（街道、园区），如 汇龙镇")
        parser.add_argument("--all-statuses", action="store_true", help="导出所有在册状态（含待核实、非留守、已退出）")

    def handle(self, *args, **options):
        town = None
        if options["town"]:
            try:
                town = RegionIndex.load().town(options["town"])
            except CellError as error:
                raise CommandError(error.message) from None
        statuses = None if options["all_statuses"] else [RosterStatus.ACTIVE]
        count = roster_export(out=options["out"], user=None, town=town, statuses=statuses, via="命令行")
        self.stdout.write(f"已导出 {count} 名儿童到 {options['out']}")
