using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VulnPlatform.ServiceDefaults.Messaging;

public static class RelayRegistration
{
    /// <summary>Runs <see cref="IntegrationEventRelay"/> in the async daemon with the service's map.</summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression PublishIntegrationEvents<TMap>(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
        where TMap : class, IIntegrationEventMap
    {
        marten.Services.AddSingleton<IIntegrationEventMap, TMap>();
        marten.Services.AddSingleton<RelayMonitor>();
        marten.Services.AddHostedService(sp => sp.GetRequiredService<RelayMonitor>());
        return marten.AddSubscriptionWithServices<IntegrationEventRelay>(ServiceLifetime.Singleton, subscription =>
        {
            subscription.Name = IntegrationEventRelay.SubscriptionName;
            subscription.Options.BatchSize = 500;
        });
    }
}
