from django.contrib.sitemaps import views as sitemap_views
from django.urls import path, register_converter

from disclosure.annual_reports import views as report_views
from disclosure.annual_reports.years import ReportYearConverter
from disclosure.disclosure_requests import views as request_views
from disclosure.feedback import views as feedback_views
from disclosure.site import feeds
from disclosure.site import views as portal
from disclosure.site.sitemaps import SITEMAPS

app_name = "disclosure"

# Every report URL takes its year through the one range (disclosure/annual_reports/years.py).
register_converter(ReportYearConverter, "report_year")

urlpatterns = [
    # The public portal.
    path("", portal.HomeView.as_view(), name="home"),
    path("checklist/", portal.ChecklistView.as_view(), name="checklist"),
    path("checklist/<int:number>/", portal.EntryView.as_view(), name="entry"),
    path("categories/<int:number>/", portal.CategoryView.as_view(), name="category"),
    path("departments/", portal.DepartmentListView.as_view(), name="departments"),
    path("departments/<slug:code>/", portal.DepartmentView.as_view(), name="department"),
    path("items/<int:pk>/", portal.ItemDetailView.as_view(), name="item"),
    path("items/<int:pk>/report/", portal.report_error, name="item_report"),
    path("attachments/<int:pk>/", portal.download_attachment, name="attachment"),
    path("search/", portal.SearchView.as_view(), name="search"),
    path("guide/", portal.PageView.as_view(slug="guide"), name="guide"),
    path("pages/<slug:slug>/", portal.PageView.as_view(), name="page"),
    path("feeds/latest/", feeds.LatestItemsFeed(), name="feed"),
    path("feeds/categories/<int:number>/", feeds.CategoryItemsFeed(), name="category_feed"),
    path(
        "sitemap.xml", sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "disclosure:sitemap_section"}, name="sitemap",
    ),
    path(
        "sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("subscribe/", portal.SubscribeView.as_view(), name="subscribe"),
    path("subscribe/wechat-qr", portal.wechat_qr, name="wechat_qr"),
    path("robots.txt", portal.robots_txt, name="robots"),
    # Disclosure requests (依申请公开).
    path("requests/new/", request_views.request_create, name="request_create"),
    path("requests/new/done/", request_views.request_created, name="request_created"),
    path("requests/form.pdf", request_views.application_form, {"fmt": "pdf"}, name="request_form_pdf"),
    path("requests/form.docx", request_views.application_form, {"fmt": "docx"},
         name="request_form_docx"),
    path("requests/status/", request_views.request_status, name="request_status"),
    path("requests/status/resend/", request_views.request_code_resend, name="request_code_resend"),
    path("requests/status/attachments/<int:pk>/", request_views.request_attachment,
         name="request_attachment"),
    path("requests/status/letters/<int:pk>/", request_views.request_letter, name="request_letter"),
    path("requests/status/receipt/", request_views.request_receipt, name="request_receipt"),
    # The opinion box (意见箱) and the surveys (网络调查).
    path("opinions/", feedback_views.opinion_create, name="opinion_create"),
    path("opinions/done/", feedback_views.opinion_created, name="opinion_created"),
    path("opinions/status/", feedback_views.opinion_status, name="opinion_status"),
    path("opinions/answered/", feedback_views.published_opinions, name="published_opinions"),
    path("surveys/<slug:slug>/", feedback_views.survey_detail, name="survey_detail"),
    path("surveys/<slug:slug>/thanks/", feedback_views.survey_thanks, name="survey_thanks"),
    # The yearly reports (信息公开年度报告).
    path("reports/", report_views.ReportListView.as_view(), name="report_list"),
    path("reports/<report_year:year>/", report_views.report_detail, name="report_detail"),
    path("reports/<report_year:year>/docx", report_views.report_docx, name="report_docx"),
    path("reports/<report_year:year>/pdf", report_views.report_pdf, name="report_pdf"),
    path("reports/<report_year:year>/compliance/", report_views.report_compliance, name="report_compliance"),
]
