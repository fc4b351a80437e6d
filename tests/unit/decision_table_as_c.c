/* The decision table built by the C compiler, as C, the language the BPF programs include it in:
 * socket_configurator_test.cpp holds the core's C++ to the same answers. */
#include "core/keepalive_options.h"

#include "decision_table_as_c.h"

int decision_table_as_c_judge(int policy, int level, int name, unsigned pinned, const void *value,
                              int operator_value) {
    return kashim_judge_program_setsockopt((enum kashim_policy)policy, kashim_option_index(level, name), pinned, value,
                                           operator_value);
}

int decision_table_as_c_choice_counts(int policy, int level, int name, const void *value) {
    return kashim_program_choice_counts((enum kashim_policy)policy, kashim_option_index(level, name), value);
}

unsigned decision_table_as_c_choices_that_stand(int policy, unsigned program_set, const int *program_value,
                                                unsigned plan_set, const int *plan_value) {
    return kashim_choices_that_stand((enum kashim_policy)policy, program_set, program_value, plan_set, plan_value);
}
