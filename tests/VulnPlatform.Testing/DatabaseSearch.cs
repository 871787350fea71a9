using Npgsql;

namespace VulnPlatform.Testing;

/// <summary>
/// A search of a whole database for a text, as an auditor would run it after an erasure: every row of
/// every table, read as text (sealed columns hold ciphertext, so they cannot match).
/// </summary>
public static class DatabaseSearch
{
    public static async Task<long> RowsHoldingAsync(string connectionString, string needle)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            select coalesce(sum((xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I t where t::text like %L', table_schema, table_name, $1),
                false, true, '')))[1]::text::bigint), 0)
            from information_schema.tables where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"%{needle}%" });
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
