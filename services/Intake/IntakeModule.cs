using FluentValidation;
using MassTransit;
using JasperFx.Events.Projections;
using Microsoft.Extensions.Options;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.Intake.Reports;
using VulnPlatform.Intake.Reports.Attaching;
using VulnPlatform.Intake.Reports.Consenting;
using VulnPlatform.Intake.Reports.Contacting;
using VulnPlatform.Intake.Reports.Erasing;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.Intake.Reports.StaffAccess;
using VulnPlatform.Intake.Reports.Listing;
using VulnPlatform.Intake.Reports.Messaging;
using VulnPlatform.Intake.Reports.Replying;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Intake.Reports.Withdrawing;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake;

public static class IntakeModule
{
    public const string ServiceName = "intake";

    public static IHostApplicationBuilder AddIntake(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(options =>
            {
                options.Events.AddEventTypes(
                [
                    typeof(ReportFiled), typeof(ReporterContactGiven), typeof(ReportRoutedToDesk), typeof(AttachmentStored),
                    typeof(ReporterWrote), typeof(ConsentRecorded), typeof(WithdrawalRecorded), typeof(StaffMessageReceived),
                    typeof(PersonalDataErased), typeof(AttachmentAccessed), typeof(ReporterIdentityRevealed), typeof(SharedWithVendor), typeof(VendorWrote), typeof(ReportDisclosed),
                    typeof(OutcomeReceived), typeof(DisclosureDateSet),
                ]);
                options.Projections.Add<ReportStatusProjection>(ProjectionLifecycle.Inline);
                options.Schema.For<ReportStatusView>().UniqueIndex(view => view.TrackingNumber);
                options.Schema.For<SubmissionReplay>();
                PostgresBlobStore.AddSchema(options);
                ReportErasure.Configure(options);
            })
            .AddIntegrationMessaging<IntakeIntegrationEvents>(builder, ServiceName,
                bus => bus.AddConsumersFromNamespaceContaining<ReportAcknowledgedConsumer>());

        builder.AddEncryptionAtRest();
        builder.AddPlatformAuthentication(ServiceName);
        var authorization = builder.Services.AddAuthorizationBuilder();
        VendorAttachmentEndpoint.AddPolicy(authorization);
        authorization.AddPolicy(GetReporterContactEndpoint.ContactReaders, policy => policy
            .RequireClaim("aud", ServiceName).RequireClaim("client_id", GetReporterContactEndpoint.NotificationClient, VendorAttachmentEndpoint.CoordinationClient, "disclosure")
            .RequireAssertion(context => context.User.HasScope(GetReporterContactEndpoint.Scope)))
            .AddPolicy(FollowUpAccessEndpoint.FollowUpCheckers, policy => policy
                .RequireClaim("aud", ServiceName).RequireClaim("client_id", GetReporterContactEndpoint.NotificationClient)
                .RequireAssertion(context => context.User.HasScope(GetReporterContactEndpoint.Scope)));
        builder.Services.Configure<AttachmentOptions>(builder.Configuration.GetSection(AttachmentLimits.Section));
        builder.Services.Configure<RetentionOptions>(builder.Configuration.GetSection(RetentionOptions.Section));
        // Validators hold no state; building their rule trees per request cost measurable CPU.
        builder.Services.AddValidatorsFromAssemblyContaining<SubmitReportValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
        builder.Services.AddServiceOpenApi(builder.Configuration, ServiceName);
        builder.Services.AddSingleton<TrackingNumbers>();
        builder.Services.AddSingleton<ReportKeys>();
        builder.Services.AddSingleton<ReportErasure>();
        builder.Services.AddSingleton<IBlobStore, PostgresBlobStore>();
        builder.Services.AddSingleton<AttachmentVault>();
        builder.Services.AddSingleton<IMaintenanceTask, OrphanBlobSweep>();
        builder.Services.AddSingleton<IMaintenanceTask, ErasureAfterRetention>();
        return builder;
    }

    public static WebApplication MapIntakeApi(this WebApplication app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports").WithPersonalDataResponses();
        reports.MapSubmitReport();
        reports.MapListMyReports();
        reports.MapGetReportStatus();
        reports.MapAddAttachments(app.Services.GetRequiredService<IOptions<AttachmentOptions>>().Value);
        reports.MapDownloadAttachment();
        reports.MapPostMessage();
        reports.MapChangeConsent();
        reports.MapWithdrawReport();
        reports.MapEraseReport();
        app.MapGetReporterContact();
        app.MapVendorAttachment();
        app.MapFollowUpAccess();
        app.MapStaffReportAccess();
        app.MapServiceOpenApi();
        return app;
    }
}
