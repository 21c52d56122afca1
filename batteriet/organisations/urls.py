from django.urls import path

from batteriet.organisations import views, views_staff

app_name = "organisations"
urlpatterns = [
    # Registration wizard: screening first, then the form that fits.
    path("registrer/", views.register_start, name="register_start"),
    path("registrer/gruppe/", views.register_work_area, name="register_work_area"),
    path("registrer/utenfor-norge/", views.register_abroad, name="register_abroad"),
    path("registrer/hjelp-til-deg/", views.register_individual, name="register_individual"),
    path("registrer/organisasjon/", views.register_organisation, name="register_organisation"),
    path("registrer/samarbeidspartner/", views.register_partner, name="register_partner"),
    path("registrer/starte-gruppe/", views.register_initiator, name="register_initiator"),
    # For members of an organisation.
    path("organisasjoner/<int:pk>/", views.organisation_detail, name="detail"),
    path("organisasjoner/<int:pk>/endre/", views.organisation_edit, name="edit"),
    path("organisasjoner/<int:pk>/medlemmer/", views.members, name="members"),
    path(
        "organisasjoner/<int:pk>/medlemmer/<int:membership_pk>/rolle/", views.member_role, name="member_role"
    ),
    path(
        "organisasjoner/<int:pk>/medlemmer/<int:membership_pk>/fjern/",
        views.member_remove,
        name="member_remove",
    ),
    path("organisasjoner/<int:pk>/brukeravtale/", views.agreement_request, name="agreement_request"),
    path("invitasjon/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("brukeravtaler/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("brukeravtaler/<int:pk>/signer/", views.agreement_sign, name="agreement_sign"),
    path("brukeravtaler/<int:pk>/utskrift/", views.agreement_print, name="agreement_print"),
    # For centre staff.
    path("brukeravtaler/<int:pk>/aktiver/", views_staff.agreement_activate, name="agreement_activate"),
    path("brukeravtaler/<int:pk>/avslutt/", views_staff.agreement_terminate, name="agreement_terminate"),
    path("ansatt/organisasjoner/", views_staff.organisation_list, name="staff_list"),
    path("ansatt/organisasjoner/<int:pk>/", views_staff.organisation_detail, name="staff_detail"),
    path("ansatt/organisasjoner/<int:pk>/godkjenn/", views_staff.organisation_approve, name="approve"),
    path("ansatt/organisasjoner/<int:pk>/avsla/", views_staff.organisation_decline, name="decline"),
]
