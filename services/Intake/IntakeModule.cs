using FluentValidation;
using Marten.Events.Projections;
using JasperFx.Events.Projections;
using VulnPlatform.Intake.Reports;
using VulnPlatform.Intake.Reports.Following;
using VulnPlatform.Intake.Reports.Submitting;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.Intake;

public static class IntakeModule
{
    public static IHostApplicationBuilder AddIntake(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(options =>
            {
                options.Events.AddEventTypes([typeof(ReportSubmitted), typeof(ReporterContactGiven)]);
                options.Projections.Add<ReportStatusProjection>(ProjectionLifecycle.Inline);
                options.Schema.For<ReportStatusView>().UniqueIndex(view => view.TrackingNumber);
            })
            .PublishIntegrationEvents<IntakeIntegrationEvents>();

        builder.AddMessagingDefaults();
        builder.Services.AddValidatorsFromAssemblyContaining<SubmitReportValidator>(includeInternalTypes: true);
        builder.Services.AddSingleton<TrackingNumbers>();
        return builder;
    }

    public static WebApplication MapIntakeApi(this WebApplication app)
    {
        var reports = app.MapGroup("/api/reports").WithTags("Reports");
        reports.MapSubmitReport();
        reports.MapGetReportStatus();
        return app;
    }
}
