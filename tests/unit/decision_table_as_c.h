/* The decision table's answers as C gives them (decision_table_as_c.c). */
#ifndef KASHIM_DECISION_TABLE_AS_C_H
#define KASHIM_DECISION_TABLE_AS_C_H

#ifdef __cplusplus
extern "C" {
#endif

/* kashim_judge_program_setsockopt for the option (level, name); `value` null: none, or too short. */
int decision_table_as_c_judge(int policy, int level, int name, unsigned pinned, const void *value,
                              int operator_value);

/* kashim_program_choice_counts for the option (level, name); `value` as above. */
int decision_table_as_c_choice_counts(int policy, int level, int name, const void *value);

unsigned decision_table_as_c_choices_that_stand(int policy, unsigned program_set, const int *program_value,
                                                unsigned plan_set, const int *plan_value);

#ifdef __cplusplus
}
#endif

#endif
