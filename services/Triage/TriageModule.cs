using VulnPlatform.ServiceDefaults.Calendar;
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
        var calendar = BusinessCalendar.From(builder.Configuration);
        var sla = builder.Configuration.GetSection(SlaOptions.Section).Get<SlaOptions>() ?? new SlaOptions();
        builder.AddMartenDefaults(options => ConfigureStore(options, calendar, sla))
            .AddIntegrationMessaging<TriageIntegrationEvents>(builder, ServiceName,
                bus => bus.AddConsumersFromNamespaceContaining<ReportSubmittedConsumer>());

        builder.AddPlatformAuthentication(ServiceName);
        builder.Services.AddValidatorsFromAssemblyContaining<AcknowledgeValidator>(ServiceLifetime.Singleton);
        builder.Services.AddSingleton(calendar);
        builder.Services.AddSingleton(new SlaSchedule(calendar, sla));
        builder.Services.Configure<SlaOptions>(builder.Configuration.GetSection(SlaOptions.Section));
        builder.Services.AddSingleton<TriageMetrics>();
        builder.Services.AddSingleton<SlaWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SlaWatch>());
        builder.Services.AddServiceOpenApi(builder.Configuration, ServiceName);
        return builder;
    }

    /// <summary>Triage's events, projections, documents and indexes (also used by the queue benchmark).</summary>
    public static void ConfigureStore(Marten.StoreOptions options, BusinessCalendar calendar, SlaOptions sla)
    {
        options.Events.AddEventTypes(CaseEventTypes.All);
        var schedule = new SlaSchedule(calendar, sla);
        options.Projections.Add(new CaseViewProjection(schedule), ProjectionLifecycle.Inline);
        options.Projections.Add(new SlaClockProjection(schedule), ProjectionLifecycle.Inline);
        options.Schema.For<CaseView>().UniqueIndex(v => v.TrackingNumber).Index(v => v.Sla.DeadlineAt)
            .Duplicate(v => v.State); // a column of its own (indexed): the queue's count reads it instead of every document
        options.Schema.For<SlaClock>().Index(c => c.NextAt);
        options.Schema.For<CaseFile>().Index(f => f.ReportId);
        // Trigram similarity for duplicate suggestions.
        options.Storage.ExtendedSchemaObjects.Add(new Weasel.Postgresql.Extension("pg_trgm"));
    }

    public static WebApplication MapTriageApi(this WebApplication app)
    {
        app.MapCaseEndpoints();
        app.MapCvss();
        app.MapServiceOpenApi();
        return app;
    }
}
