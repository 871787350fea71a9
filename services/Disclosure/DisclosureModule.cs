using FluentValidation;
using JasperFx.Events.Projections;
using MassTransit;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Csaf;
using VulnPlatform.Disclosure.Facts;
using VulnPlatform.Disclosure.Public;
using VulnPlatform.Disclosure.Publication;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Disclosure;

public static class DisclosureModule
{
    public const string ServiceName = "disclosure";

    public static IHostApplicationBuilder AddDisclosure(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(ConfigureStore)
            .AddIntegrationMessaging<DisclosureIntegrationEvents>(builder, ServiceName, bus =>
            {
                bus.AddConsumer<Cve.CveRecordPublisher>().Endpoint(e => e.Name = $"{ServiceName}.cve-records");
                foreach (var type in CaseFacts.Sources)
                {
                    bus.AddConsumer(typeof(CaseFactsConsumer<>).MakeGenericType(type))
                        .Endpoint(e => e.Name = $"{ServiceName}.{KebabCaseEndpointNameFormatter.Instance.SanitizeName(type.Name)}");
                }
            });
        builder.AddPlatformAuthentication(ServiceName);
        builder.AddEncryptionAtRest();
        // Pen-test NDAs and downloads record the client's address as the gateway forwarded it (X-Forwarded-For
        // believed only from loopback and Disclosure:TrustedProxies).
        builder.Services.TrustForwardedFor(builder.Configuration, "Disclosure:TrustedProxies", forwardLimit: 1);
        builder.Services.Configure<Pentest.PentestOptions>(builder.Configuration.GetSection(Pentest.PentestOptions.Section));
        var authorization = builder.Services.AddAuthorizationBuilder();
        Customers.CustomerEndpoints.AddPolicy(authorization);
        builder.Services.AddValidatorsFromAssemblyContaining<ReviseValidator>(ServiceLifetime.Singleton);
        builder.Services.AddServiceOpenApi(builder.Configuration, ServiceName);
        builder.Services.Configure<PublisherOptions>(builder.Configuration.GetSection(PublisherOptions.Section));
        builder.Services.Configure<PublicationOptions>(builder.Configuration.GetSection(PublicationOptions.Section));
        builder.Services.AddSingleton<AdvisoryIds>();
        builder.AddServiceTokens("Disclosure:Client", "disclosure");
        builder.Services.AddSingleton<IdentityGuard>();
        builder.Services.AddHttpClient(IdentityGuard.ClientName);
        builder.Services.Configure<Cve.CveOptions>(builder.Configuration.GetSection(Cve.CveOptions.Section));
        builder.Services.AddHttpClient(Cve.CveServicesClient.ClientName);
        if (string.IsNullOrWhiteSpace(builder.Configuration[$"{Cve.CveOptions.Section}:ServicesUrl"])) builder.Services.AddSingleton<Cve.ICveNumbering, Cve.ManualCveNumbering>();
        else builder.Services.AddSingleton<Cve.ICveNumbering, Cve.CveServicesClient>();
        builder.Services.AddSingleton<PublicRecords>();
        builder.Services.AddSingleton<PublicationWatch>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PublicationWatch>());
        return builder;
    }

    public static void ConfigureStore(Marten.StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(AdvisoryDrafted), typeof(AdvisoryRevised), typeof(PublicationScheduled), typeof(PublicationRescheduled),
            typeof(PublicationCancelled), typeof(SetPublished), typeof(CustomersPreNotified),
            typeof(Pentest.PentestReportUploaded), typeof(Pentest.PentestReportRequested), typeof(Pentest.PentestRequestApproved),
            typeof(Pentest.PentestRequestDeclined), typeof(Pentest.PentestAccessRevoked), typeof(Pentest.PentestReportDownloaded)]);
        options.Projections.Add<Pentest.PentestRequestProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Pentest.PentestRequest>().Index(r => r.TokenHash).Index(r => r.RequestedAt).Index(r => r.State);
        options.Schema.For<Pentest.PentestReport>();
        options.Schema.For<Pentest.PentestFile>();
        options.Schema.For<Cve.CveRecordState>();
        options.Schema.For<Customers.CustomerContact>().Index(c => c.Organisation);
        options.Projections.Add<AdvisoryProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<DisclosureSetProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Advisory>().UniqueIndex(a => a.PublicId).Index(a => a.TrackingNumber).Index(a => a.SetId).Index(a => a.UpdatedAt);
        options.Schema.For<DisclosureSet>().Index(s => s.DueAt);
        options.Schema.For<PublicAdvisory>().UniqueIndex(p => p.PublicId).Index(p => p.VisibleFrom).Index(p => p.SetId).Index(p => p.CurrentReleaseDate);
        // Several source queues update one case's facts: the version check turns a lost update into a retry.
        options.Schema.For<CaseFacts>().UseOptimisticConcurrency(true).Index(f => f.TrackingNumber).Index(f => f.DuplicateOf);
    }

    public static WebApplication MapDisclosureApi(this WebApplication app)
    {
        app.MapAdvisories();
        Customers.CustomerEndpoints.MapCustomers(app);
        Pentest.PentestEndpoints.MapPentest(app);
        Cve.CveEndpoints.MapCve(app);
        app.MapPublicAdvisories();
        app.MapServiceOpenApi();
        return app;
    }
}
