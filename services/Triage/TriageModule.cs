using FluentValidation;
using JasperFx.Events.Projections;
using MassTransit;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.Triage.Cases;
using VulnPlatform.Triage.Scoring;
using VulnPlatform.Triage.Sla;

namespace VulnPlatform.Triage;

public static class TriageModule
{
    public const string ServiceName = "triage";

    public static IHostApplicationBuilder AddTriage(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(options =>
            {
                options.Events.AddEventTypes(CaseEventTypes.All);
                options.Projections.Add<CaseViewProjection>(ProjectionLifecycle.Inline);
                options.Schema.For<CaseView>().UniqueIndex(v => v.TrackingNumber).Index(v => v.AcknowledgementDueAt);
            })
            .AddIntegrationMessaging<TriageIntegrationEvents>(builder, ServiceName,
                bus => bus.AddConsumersFromNamespaceContaining<ReportSubmittedConsumer>());

        builder.AddPlatformAuthentication(ServiceName);
        builder.Services.AddAuthorizationBuilder().AddPolicy(CaseEndpoints.TriageStaff, policy => policy
            .RequireClaim("aud", PlatformAccess.UserAudience).RequireRole(PlatformAccess.Analyst, PlatformAccess.Coordinator));
        builder.Services.AddValidatorsFromAssemblyContaining<AcknowledgeValidator>(ServiceLifetime.Singleton);
        builder.Services.AddSingleton(new BusinessCalendar(
            builder.Configuration.GetSection(BusinessCalendarOptions.Section).Get<BusinessCalendarOptions>() ?? new BusinessCalendarOptions()));
        builder.Services.AddServiceOpenApi(builder.Configuration, ServiceName);
        return builder;
    }

    public static WebApplication MapTriageApi(this WebApplication app)
    {
        app.MapCaseEndpoints();
        app.MapCvss();
        app.MapServiceOpenApi();
        return app;
    }
}
