using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VulnPlatform.ServiceDefaults.Messaging;

public static class MessagingDefaults
{
    /// <summary>
    /// MassTransit on RabbitMQ: kebab-case endpoints, publisher confirms (the transport's default),
    /// retry with exponential backoff, then the endpoint's <c>_error</c> queue where operators see it.
    /// </summary>
    public static IHostApplicationBuilder AddMessagingDefaults(
        this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var rabbit = builder.Configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions();

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            configure?.Invoke(bus);

            bus.UsingRabbitMq((context, transport) =>
            {
                transport.Host(rabbit.Host, rabbit.Port, rabbit.VirtualHost, host =>
                {
                    host.Username(rabbit.Username);
                    host.Password(rabbit.Password);
                });
                transport.UseMessageRetry(retry => retry.Exponential(
                    retryLimit: 5,
                    minInterval: TimeSpan.FromMilliseconds(200),
                    maxInterval: TimeSpan.FromSeconds(10),
                    intervalDelta: TimeSpan.FromMilliseconds(400)));
                transport.ConfigureEndpoints(context);
            });
        });

        return builder;
    }
}
