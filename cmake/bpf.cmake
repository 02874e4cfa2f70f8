# Compiles datapath programs with clang -target bpf (with BTF from -g), links
# the entry files of one object with the BPF static linker (bpftool gen
# object) and generates its libbpf skeleton. Objects are built from UAPI
# headers only: nothing depends on the build host's kernel. The skeleton
# embeds the object, so nothing but the binaries that include it is installed.
find_program(CLANG clang REQUIRED)
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)

set(NODEPLANE_BPF_OUT ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${NODEPLANE_BPF_OUT})
execute_process(COMMAND uname -m OUTPUT_VARIABLE NODEPLANE_BPF_ARCH OUTPUT_STRIP_TRAILING_WHITESPACE)

# nodeplane_bpf_program(<name> SOURCES <entry.bpf.c...> [DEPENDS <headers...>])
# Produces ${NODEPLANE_BPF_OUT}/<name>.bpf.o and <name>.skel.h (struct <name>,
# <name>__open() ...), a target bpf_<name> that builds them, and an INTERFACE
# library np_bpf_<name> to link against: it adds the skeleton's directory as a
# system include (the embedded object is one long string literal, which
# -Wpedantic would reject) and the build dependency.
function(nodeplane_bpf_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "nodeplane_bpf_program(${name}): no SOURCES")
  endif()
  set(obj ${NODEPLANE_BPF_OUT}/${name}.bpf.o)
  set(skel ${NODEPLANE_BPF_OUT}/${name}.skel.h)
  set(units)
  foreach(source ${ARG_SOURCES})
    get_filename_component(abs ${source} ABSOLUTE)
    get_filename_component(stem ${source} NAME_WE)
    set(unit ${NODEPLANE_BPF_OUT}/${name}.d/${stem}.o)
    add_custom_command(
      OUTPUT ${unit}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${NODEPLANE_BPF_OUT}/${name}.d
      COMMAND ${CLANG} -g -O2 -target bpf -mcpu=v3
              -Wall -Wextra -Werror
              -I${CMAKE_SOURCE_DIR}/bpf/include -I${CMAKE_SOURCE_DIR}/bpf
              -I/usr/include/${NODEPLANE_BPF_ARCH}-linux-gnu
              -c ${abs} -o ${unit}
      DEPENDS ${abs} ${ARG_DEPENDS}
      COMMENT "BPF ${name}: ${stem}"
      VERBATIM)
    list(APPEND units ${unit})
  endforeach()
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${BPFTOOL} gen object ${obj} ${units}
    DEPENDS ${units}
    COMMENT "BPF link ${name}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}
    DEPENDS ${obj}
    COMMENT "BPF skeleton ${name}"
    VERBATIM)
  add_custom_target(bpf_${name} ALL DEPENDS ${obj} ${skel})
  add_library(np_bpf_${name} INTERFACE)
  target_include_directories(np_bpf_${name} SYSTEM INTERFACE ${NODEPLANE_BPF_OUT})
  add_dependencies(np_bpf_${name} bpf_${name})
endfunction()
