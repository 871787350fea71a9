using System.Diagnostics;
using Npgsql;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace VulnPlatform.Testing;

/// <summary>
/// The real PostgreSQL and RabbitMQ the integration tests use: the servers `make test` started
/// (given by VP_TEST_* variables), or, where a Docker engine answers, Testcontainers.
/// Started once per test process.
/// </summary>
public sealed class TestServers
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestServers? _instance;

    private readonly PostgreSqlContainer? _postgresContainer;
    private readonly RabbitMqContainer? _rabbitContainer;

    private TestServers(string postgres, string rabbitHost, ushort rabbitPort, string rabbitVirtualHost,
        PostgreSqlContainer? postgresContainer = null, RabbitMqContainer? rabbitContainer = null)
    {
        PostgresServer = postgres;
        RabbitMqHost = rabbitHost;
        RabbitMqPort = rabbitPort;
        RabbitMqVirtualHost = rabbitVirtualHost;
        _postgresContainer = postgresContainer;
        _rabbitContainer = rabbitContainer;
    }

    /// <summary>Connection string of the server (its maintenance database).</summary>
    public string PostgresServer { get; }
    public string RabbitMqHost { get; }
    public ushort RabbitMqPort { get; }

    /// <summary>The tests' own virtual host, so a running platform never consumes their messages.</summary>
    public string RabbitMqVirtualHost { get; }

    public static async Task<TestServers> GetAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _instance ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<TestServers> StartAsync()
    {
        var postgres = Environment.GetEnvironmentVariable("VP_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(postgres))
        {
            return new TestServers(
                postgres,
                Environment.GetEnvironmentVariable("VP_TEST_RABBITMQ_HOST") ?? "127.0.0.1",
                ushort.Parse(Environment.GetEnvironmentVariable("VP_TEST_RABBITMQ_PORT") ?? "56720"),
                Environment.GetEnvironmentVariable("VP_TEST_RABBITMQ_VHOST") ?? "/");
        }

        if (!DockerAnswers())
        {
            throw new InvalidOperationException(
                "No test servers: run the tests with `make test` (it starts PostgreSQL and RabbitMQ and sets VP_TEST_POSTGRES), " +
                "or on a host with a Docker engine for Testcontainers.");
        }

        var pg = new PostgreSqlBuilder("postgres:15").Build();
        var rabbit = new RabbitMqBuilder("rabbitmq:3.13").WithUsername("guest").WithPassword("guest").Build();
        await Task.WhenAll(pg.StartAsync(), rabbit.StartAsync());
        return new TestServers(
            pg.GetConnectionString(), rabbit.Hostname, rabbit.GetMappedPublicPort(5672), "/", pg, rabbit);
    }

    /// <summary>
    /// The settings a service host under test needs to use these servers: its database, the tests'
    /// virtual host, and a daemon that runs alone (one host per database in a test).
    /// </summary>
    public IReadOnlyDictionary<string, string> ServiceSettings(string database) => new Dictionary<string, string>
    {
        ["ConnectionStrings:Marten"] = database,
        ["RabbitMq:Host"] = RabbitMqHost,
        ["RabbitMq:Port"] = RabbitMqPort.ToString(),
        ["RabbitMq:VirtualHost"] = RabbitMqVirtualHost,
        ["Marten:DaemonMode"] = "Solo",
        // One service runs here without the others: its relay does not wait for their queues.
        ["Messaging:AwaitPlatformTopology"] = "false",
    };

    /// <summary>A new empty database for one fixture, so fixtures never see each other's data.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];
        await using var connection = new NpgsqlConnection(PostgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"create database {name}", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(PostgresServer) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    /// <summary>Drops a fixture's database (connections and all) so test runs leave nothing behind.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresServer);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static bool DockerAnswers()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null) return false;
            process.WaitForExit(10_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
