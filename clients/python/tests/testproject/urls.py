from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls


def article(request, slug):
    return render(request, "article.html", {"slug": slug})


def api(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("login/", auth_views.LoginView.as_view(template_name="login.html"), name="login"),
    path("articles/<slug:slug>/", article),
    path("api/ping/", api),
]
