using FluentValidation;
using JasperFx.Events.Projections;
using MassTransit;
using VulnPlatform.ServiceDefaults.Calendar;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;
using VulnPlatform.VendorCoordination.Cases;
using VulnPlatform.VendorCoordination.Directory;

namespace VulnPlatform.VendorCoordination;

public static class VendorCoordinationModule
{
    public const string ServiceName = "vendorcoordination";

    public static IHostApplicationBuilder AddVendorCoordination(this IHostApplicationBuilder builder)
    {
        var calendar = BusinessCalendar.From(builder.Configuration);
        var deadlines = builder.Configuration.GetSection(VendorDeadlineOptions.Section).Get<VendorDeadlineOptions>() ?? new VendorDeadlineOptions();
        builder.AddMartenDefaults(options => ConfigureStore(options, calendar, deadlines))
            .AddIntegrationMessaging<CoordinationIntegrationEvents>(builder, ServiceName,
                bus =>
                {
                    bus.AddConsumersFromNamespaceContaining<ThirdPartyIdentifiedConsumer>();
                    bus.AddConsumersFromNamespaceContaining<VendorRoleGrantedConsumer>();
                });
        builder.AddPlatformAuthentication(ServiceName);
        var authorization = builder.Services.AddAuthorizationBuilder();
        CoordinationAccess.AddPolicies(authorization);
        VendorContactEndpoint.AddPolicy(authorization);
        builder.Services.AddValidatorsFromAssemblyContaining<OrganisationValidator>(ServiceLifetime.Singleton);
        builder.Services.AddServiceOpenApi(builder.Configuration, ServiceName);
        builder.Services.Configure<VendorDeadlineOptions>(builder.Configuration.GetSection(VendorDeadlineOptions.Section));
        builder.AddServiceTokens("Coordination:Client", "coordination");
        builder.Services.AddSingleton<ReporterIdentities>();
        builder.Services.AddHttpClient(ReporterIdentities.ClientName);
        builder.Services.AddSingleton<VendorDeadlineWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<VendorDeadlineWatch>());
        return builder;
    }

    public static void ConfigureStore(Marten.StoreOptions options, BusinessCalendar calendar, VendorDeadlineOptions deadlines)
    {
        options.Events.AddEventTypes([typeof(OrganisationRegistered), typeof(OrganisationUpdated), .. CoordinationEventTypes.All]);
        options.Projections.Add<OrganisationProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add(new CoordinationCaseProjection(calendar, deadlines), ProjectionLifecycle.Inline);
        options.Schema.For<Organisation>().Index(o => o.Name);
        // A vendor's queue asks for the cases naming its organisation (jsonb containment, GIN); the coordinator's for the overdue ones.
        options.Schema.For<CoordinationCase>().Index(c => c.TrackingNumber).Index(c => c.OpenedAt).Index(c => c.NextDeadlineAt)
            .GinIndexJsonData().Duplicate(c => c.Overdue);
        options.Schema.For<ReportScores>();
        options.Schema.For<ReportReference>().UniqueIndex(r => r.TrackingNumber);
        options.Schema.For<ReportFiles>();
        options.Schema.For<ReporterConsent>();
        options.Schema.For<OrganisationMember>().Index(m => m.OrganisationId);
    }

    public static WebApplication MapVendorCoordinationApi(this WebApplication app)
    {
        app.MapDirectory();
        app.MapCoordination();
        app.MapVendorContact();
        app.MapServiceOpenApi();
        return app;
    }
}
