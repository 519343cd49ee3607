from django.contrib import admin

from alternanza.report.models import InvioReport, OrganoGovernance, ReportJob


@admin.register(OrganoGovernance)
class OrganoGovernanceAdmin(admin.ModelAdmin):
    list_display = ["nome", "tipo", "distretto", "invio_automatico", "attivo"]
    list_filter = ["tipo", "distretto", "invio_automatico", "attivo"]
    search_fields = ["nome", "destinatari"]


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ["__str__", "tipo", "anno_scolastico", "distretto", "stato", "progresso", "creato_il"]
    list_filter = ["stato", "tipo", "anno_scolastico", "origine"]
    list_select_related = ["distretto", "ambito"]
    readonly_fields = [f.name for f in ReportJob._meta.fields]
    date_hierarchy = "creato_il"

    def has_add_permission(self, request):
        return False  # jobs are requested from the report pages (or the schedule), never typed in


@admin.register(InvioReport)
class InvioReportAdmin(admin.ModelAdmin):
    list_display = ["job", "organo", "stato", "creato_il", "inviato_il"]
    list_filter = ["stato"]
    list_select_related = ["job", "job__distretto", "job__ambito", "organo"]
    readonly_fields = [f.name for f in InvioReport._meta.fields]

    def has_add_permission(self, request):
        return False
