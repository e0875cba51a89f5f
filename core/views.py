from django.http import HttpResponse


def home(request):  # placeholder replaced by the portal work
    return HttpResponse("ICR")
