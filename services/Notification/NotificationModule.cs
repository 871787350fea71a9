using JasperFx.Events.Projections;
using MassTransit;
using VulnPlatform.Contracts.Identity;
using VulnPlatform.Contracts.Intake;
using VulnPlatform.Contracts.Triage;
using VulnPlatform.Notification.Channels;
using VulnPlatform.Notification.Deliveries;
using VulnPlatform.Notification.Inbox;
using VulnPlatform.Notification.Recipients;
using VulnPlatform.Notification.Templates;
using VulnPlatform.Notification.Webhooks;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Persistence;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Notification;

public static class NotificationModule
{
    public const string ServiceName = "notification";

    /// <summary>Every integration event that means a message to someone, or that a webhook subscriber may choose.</summary>
    public static readonly Type[] ConsumedEvents =
    [
        .. WebhookEventTypes.Contracts,
        typeof(ReporterConsentChanged), typeof(ReporterDataErased),
        typeof(EmailConfirmationRequested), typeof(AccountSignedIn), typeof(TwoFactorEnabled), typeof(TwoFactorDisabled),
        typeof(AccountLockedOut), typeof(PasswordChanged),
        typeof(VulnPlatform.Contracts.VendorCoordination.VendorNotified), typeof(VulnPlatform.Contracts.VendorCoordination.VendorReminded),
        typeof(VulnPlatform.Contracts.VendorCoordination.VendorUnresponsive), typeof(VulnPlatform.Contracts.VendorCoordination.VendorMessageRelayed),
        typeof(VulnPlatform.Contracts.VendorCoordination.VendorRemovedFromCase),
        typeof(VulnPlatform.Contracts.Disclosure.AdvisoriesPublished), typeof(VulnPlatform.Contracts.Disclosure.CustomersPreNotified),
        typeof(VulnPlatform.Contracts.Disclosure.AdvisoryPublicationHeld), typeof(VulnPlatform.Contracts.Disclosure.AdvisoryScheduleOverridden),
        typeof(VulnPlatform.Contracts.Disclosure.PentestReportRequested), typeof(VulnPlatform.Contracts.Disclosure.PentestRequestApproved),
        typeof(VulnPlatform.Contracts.Disclosure.PentestRequestDeclined),
    ];

    public static IHostApplicationBuilder AddNotification(this IHostApplicationBuilder builder)
    {
        builder.AddMartenDefaults(ConfigureStore)
            .AddIntegrationMessaging<NoIntegrationEvents>(builder, ServiceName, bus =>
            {
                foreach (var type in ConsumedEvents.Distinct())
                {
                    // One queue per event type, named for it (the consumer class is generic).
                    bus.AddConsumer(typeof(NotificationConsumer<>).MakeGenericType(type))
                        .Endpoint(e => e.Name = $"{ServiceName}.{KebabCaseEndpointNameFormatter.Instance.SanitizeName(type.Name)}");
                }
            }, concurrentMessages: builder.Configuration.GetValue("Notification:ConcurrentMessages", 8));

        builder.AddEncryptionAtRest();
        builder.AddPlatformAuthentication(ServiceName);

        var services = builder.Services;
        builder.AddServiceTokens("Notification:Client", "notification");
        services.Configure<NotificationPolicyOptions>(builder.Configuration.GetSection(NotificationPolicyOptions.Section));
        services.Configure<SmtpOptions>(builder.Configuration.GetSection(SmtpOptions.Section));
        services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        services.Configure<DeliveryOptions>(builder.Configuration.GetSection(DeliveryOptions.Section));
        services.Configure<DeskOptions>(builder.Configuration.GetSection(DeskOptions.Section));
        services.AddSingleton(MessageTemplates.FromApplication());
        services.AddSingleton<DeliverySignal>();
        services.AddSingleton<NotificationMetrics>();
        services.AddSingleton<EmailChannel>();
        services.AddSingleton<WebhookUrlGuard>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<ContactDirectory>();
        services.AddSingleton<ReporterAccessCheck>();
        services.AddHttpClient(ContactDirectory.ClientName);
        WebhookSender.AddClient(services);
        services.AddSingleton<DeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
        services.AddServiceOpenApi(builder.Configuration, ServiceName);
        return builder;
    }

    public static void ConfigureStore(Marten.StoreOptions options)
    {
        options.Events.AddEventTypes(DeliveryEventTypes.All);
        options.Events.AddEventTypes(WebhookEventTypeList.All);
        // An erased reporter's credit name leaves the delivery log too (ReporterDataErased masks their deliveries' streams).
        options.Events.AddMaskingRuleForProtectedInformation<NotificationQueued>(e => e with { Values = PersonalValues.Without(e.Values) });
        options.Projections.Add<DeliveryProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<WebhookSubscriptionProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<Deliveries.Delivery>().Index(d => d.DueAt).Index(d => d.TrackingNumber).Index(d => d.Status);
        options.Schema.For<InboxMessage>().Index(m => m.AccountId).Index(m => m.ReportId);
        options.Schema.For<ReportRecipient>().Index(r => r.AccountId).UseOptimisticConcurrency(true);
        options.Schema.For<WebhookSubscription>();
    }

    public static WebApplication MapNotificationApi(this WebApplication app)
    {
        app.MapInbox();
        app.MapWebhooks();
        app.MapDeliveries();
        app.MapServiceOpenApi();
        return app;
    }
}
