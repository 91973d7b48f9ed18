namespace Steadfast.Tests.Support
{
    /// <summary>Source text shared by the database rules' tests (SF3002, SF3003): the usings every test document starts with.</summary>
    internal static class DatabaseSources
    {
        /// <summary>System, ADO.NET, Dapper, SQLite, EF Core and Npgsql namespaces, then an empty line.</summary>
        public const string Usings = """
            using System;
            using System.Collections.Generic;
            using System.Data;
            using System.Data.Common;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Dapper;
            using Microsoft.Data.Sqlite;
            using Microsoft.EntityFrameworkCore;
            using Npgsql;

            """;
    }
}
