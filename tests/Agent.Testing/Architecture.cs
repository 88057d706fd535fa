using System.Reflection;

namespace Agent.Testing;

/// <summary>What an assembly's types can reach, read from their signatures: a boundary kept by construction, not discipline.</summary>
public static class Architecture
{
    private const BindingFlags Everything =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every field, property, method or constructor of <paramref name="assembly"/> whose signature uses a type of <paramref name="ns"/>.</summary>
    public static IReadOnlyList<string> MembersUsing(Assembly assembly, string ns)
    {
        var found = new List<string>();
        foreach (var type in assembly.GetTypes())
        {
            if (Uses(type.BaseType, ns) || type.GetInterfaces().Any(i => Uses(i, ns))) found.Add(type.FullName!);
            foreach (var field in type.GetFields(Everything))
                if (Uses(field.FieldType, ns)) found.Add($"{type.FullName}.{field.Name}");
            foreach (var method in type.GetMethods(Everything).Cast<MethodBase>().Concat(type.GetConstructors(Everything)))
            {
                var types = method.GetParameters().Select(p => p.ParameterType);
                if (method is MethodInfo m) types = types.Append(m.ReturnType);
                if (types.Any(t => Uses(t, ns))) found.Add($"{type.FullName}.{method.Name}");
            }
        }
        return found;
    }

    private static bool Uses(Type? type, string ns)
    {
        if (type is null) return false;
        if (type.HasElementType) return Uses(type.GetElementType(), ns);
        if (type.Namespace == ns || type.Namespace?.StartsWith(ns + ".", StringComparison.Ordinal) == true) return true;
        return type.IsGenericType && type.GetGenericArguments().Any(a => Uses(a, ns));
    }
}
