using System.Reflection;
using MassTransit;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Shared.Tests;

/// <summary>
/// The rule the compiler cannot check: a consumer's outgoing events go through its own event store
/// and the relay. Every consumer in a service is an <see cref="IdempotentConsumer{TMessage}"/> (whose
/// handler never sees the bus), and none takes the bus or a publish/send endpoint in its constructor.
/// </summary>
[Trait("Servers", "none")]
public sealed class ConsumerRulesTests
{
    private static readonly Type[] BusTypes =
        [typeof(IBus), typeof(IPublishEndpoint), typeof(ISendEndpointProvider), typeof(IBusControl), typeof(IPublishEndpointProvider)];

    public static TheoryData<string> ServiceAssemblies => new() { "VulnPlatform.Intake" };

    [Theory]
    [MemberData(nameof(ServiceAssemblies))]
    public void Consumers_are_idempotent_and_never_reach_the_bus(string assemblyName)
    {
        var consumers = Assembly.Load(assemblyName).GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConsumer<>)))
            .ToList();
        Assert.NotEmpty(consumers);
        foreach (var consumer in consumers)
        {
            Assert.True(IsIdempotent(consumer), $"{consumer.Name} must derive from IdempotentConsumer<T>");
            var dependencies = consumer.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType);
            Assert.DoesNotContain(dependencies, BusTypes.Contains);
        }
    }

    private static bool IsIdempotent(Type type)
    {
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IdempotentConsumer<>)) return true;
        }
        return false;
    }
}
