# Sourced by ./headwise, ./mvnw and .ci/run: exports JAVA_HOME pointing at a JDK >= 25.
# Order: JAVA_HOME if it is new enough, then the usual JVM folders, then `java` on the PATH.
hw_java_major() { # prints the major version of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
hw_find_jdk() {
  local c v
  for c in "${JAVA_HOME:-}" /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* "$HOME"/.sdkman/candidates/java/* \
           /Library/Java/JavaVirtualMachines/*/Contents/Home \
           "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$c" ] && [ -d "$c" ] || continue
    v=$(hw_java_major "$c")
    if [ -n "$v" ] && [ "$v" -ge 25 ]; then export JAVA_HOME="$c"; return 0; fi
  done
  echo "headwise: no JDK 25 or newer found (looked at JAVA_HOME, /usr/lib/jvm, /opt/java, ~/.sdkman)." >&2
  echo "headwise: install one (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}
