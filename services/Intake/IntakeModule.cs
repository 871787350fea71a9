using FluentValidation;
using MassTransit;
using JasperFx.Events.Projections;
using Microsoft.Extensions.Options;
using VulnPlatform.Intake.Attachments;
using VulnPlatform.Intake.Reports;
using VulnPlatform.Intake.Reports.Attaching;
using VulnPlatform.Intake.Reports.Consenting;
using VulnPlatform.Intake.Reports.Contacting;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.Intake.Reports.Messaging;
using VulnPlatform.Intake.Reports.Replying;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.Intake.Reports.Withdrawing;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake;

public static class IntakeModule
{
    public static IHostApplicationBuilder AddIntake(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(options =>
            {
                options.Events.AddEventTypes(
                [
                    typeof(ReportSubmitted), typeof(ReporterContactGiven), typeof(SubmissionRouted), typeof(AttachmentAdded),
                    typeof(ReporterMessagePosted), typeof(ReporterConsentChanged), typeof(ReportWithdrawn), typeof(StaffMessageReceived),
                ]);
                options.Projections.Add<ReportStatusProjection>(ProjectionLifecycle.Inline);
                options.Schema.For<ReportStatusView>().UniqueIndex(view => view.TrackingNumber);
                options.Schema.For<ProcessedMessage>();
                PostgresBlobStore.AddSchema(options);
            })
            .PublishIntegrationEvents<IntakeIntegrationEvents>();

        builder.AddMessagingDefaults(bus => bus.AddConsumersFromNamespaceContaining<ReportAcknowledgedConsumer>());
        builder.AddEncryptionAtRest();
        builder.AddInternalApi();
        builder.Services.Configure<AttachmentOptions>(builder.Configuration.GetSection(AttachmentOptions.Section));
        // Validators hold no state; building their rule trees per request cost measurable CPU.
        builder.Services.AddValidatorsFromAssemblyContaining<SubmitReportValidator>(ServiceLifetime.Singleton, includeInternalTypes: true);
        builder.Services.AddOpenApi("intake");
        builder.Services.AddSingleton<TrackingNumbers>();
        builder.Services.AddSingleton<ReporterContacts>();
        builder.Services.AddSingleton<IBlobStore, PostgresBlobStore>();
        builder.Services.AddSingleton<AttachmentVault>();
        return builder;
    }

    public static WebApplication MapIntakeApi(this WebApplication app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports");
        reports.MapSubmitReport();
        reports.MapGetReportStatus();
        reports.MapAddAttachments(app.Services.GetRequiredService<IOptions<AttachmentOptions>>().Value);
        reports.MapDownloadAttachment();
        reports.MapPostMessage();
        reports.MapChangeConsent();
        reports.MapWithdrawReport();
        app.MapGetReporterContact();
        // The reporter API's description, for web and mobile client developers (routed by the gateway).
        app.MapOpenApi("/api/openapi/{documentName}.json");
        return app;
    }
}
